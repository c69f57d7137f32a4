#!/usr/bin/env node
/**
 * Pack smoke test: the packages as a user gets them from npm, checked from outside the workspace.
 *
 *   node scripts/pack-smoke.mjs [--no-build] [--no-lint] [--keep]
 *
 *   1. builds packages/* (turbo; a cache hit when nothing changed), then `pnpm pack`s each one
 *      and checks the tarball: `workspace:` ranges rewritten to the real version, publint
 *      (--strict) and @arethetypeswrong/cli (profile esm-only: the packages are ESM only).
 *   2. makes a fresh project in the OS temp dir (never inside the workspace) and installs every
 *      tarball with plain `npm install`, with an empty user config (no `nodedir` or other
 *      settings of this machine's ~/.npmrc) and no pnpm/npm variables inherited; the registry is
 *      used for third-party dependencies only. The native backend builds in its install script.
 *   3. in Node, trains a tiny ConvNet (conv -> ReLU -> FC, @tessera/core + @tessera/layers) on
 *      'cpu' and on 'native' (scripts/pack-smoke/train.mjs: the backend is one argument, one
 *      line); the loss must drop, memory must stay flat, both backends must agree. If native is
 *      unavailable (its build failed), that is a failure when CI=true and a skip otherwise.
 *   4. bundles browser entries with Vite: core + backend-cpu (size reported, then the bundle is
 *      run and its result checked), core + backend-webgpu (the `webgpu` Dawn addon must not be
 *      in it), and core alone (tree-shaking: no backend code, under a size bound; see
 *      CORE_ONLY_BOUND_BYTES).
 *
 *   --no-build   use the packages' dist/ as they are
 *   --no-lint    skip publint and attw
 *   --keep       keep the temporary project (it is always kept when a check fails)
 *
 * The last line is `N passed, N failed, N skipped` (checks, not test cases); exit status 1 when
 * anything failed. Needs network access to the npm registry (third-party deps) unless npm's
 * cache has them.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'scripts', 'pack-smoke');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--no-build', '--no-lint', '--keep'].includes(a)) {
    console.error(`pack-smoke: unknown option '${a}' (see the header of scripts/pack-smoke.mjs)`);
    process.exit(2);
  }
}
const inCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Upper bound for the core-only browser bundle (scripts/pack-smoke/browser-core.js, minified,
 * not gzipped). That entry uses tensor creation, add/matmul/relu/sum and `grad`, which needs
 * what every core user gets (Tensor, engine and memory tracking, registry, dispatch, errors,
 * shape checks, the autodiff tape and those ops' VJP rules). Measured with Vite 8 when this was
 * written: that entry 14.1 KB; ALL of core's public API 37.2 KB; core + the whole CPU backend
 * 61.2 KB, i.e. the CPU backend alone ~24 KB. A bound of 24 KB leaves ~70% room for core to grow
 * and still fails if tree-shaking stops working (everything in core: 37 KB) or if a backend is
 * pulled in (+24 KB), independently of the marker check.
 */
const CORE_ONLY_BOUND_BYTES = 24 * 1024;

// ------------------------------------------------------------------ checks and reporting

const results = [];
function record(status, name, detail = '') {
  results.push({ status, name, detail });
  const tag = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' }[status];
  console.log(`  ${tag} ${name}${detail ? `: ${detail}` : ''}`);
}
const pass = (name, detail) => record('pass', name, detail);
const fail = (name, detail) => record('fail', name, detail);
const skip = (name, detail) => record('skip', name, detail);
function check(ok, name, detail) {
  (ok ? pass : fail)(name, detail);
  return ok;
}
const section = (title) => console.log(`\n=== ${title}`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const tail = (text, lines = 30) => text.trim().split('\n').slice(-lines).join('\n');

/** spawnSync with output captured; never throws. */
function run(cmd, argv, { cwd = root, env = process.env, timeoutS = 300 } = {}) {
  const r = spawnSync(cmd, argv, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const why = r.error
    ? r.error.message
    : r.signal
      ? `killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${timeoutS} s?)` : ''}`
      : r.status !== 0
        ? `exit code ${r.status}`
        : '';
  return { ok: !why, why, out, stdout: r.stdout ?? '' };
}

// ------------------------------------------------------------------ the workspace's packages

function workspacePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'package.json')))
    .map((d) => ({
      dir: join(dir, d),
      json: JSON.parse(readFileSync(join(dir, d, 'package.json'), 'utf8')),
    }))
    .filter((p) => !p.json.private);
}

function tarballName(json) {
  return `${json.name.replace(/^@/, '').replace('/', '-')}-${json.version}.tgz`;
}

function readFromTarball(tgz, path) {
  const r = run('tar', ['-xzf', tgz, '-O', `package/${path}`]);
  return r.ok ? r.stdout : undefined;
}

/** Dependency fields must hold real ranges: `workspace:^` becomes `^<version>` on pack. */
function checkRewritten(packed, versions) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:'))
        problems.push(`${field}.${dep} is still ${range}`);
      else if (versions.has(dep) && range !== `^${versions.get(dep)}`) {
        problems.push(`${field}.${dep} is ${range}, expected ^${versions.get(dep)}`);
      }
    }
  }
  return problems;
}

// ------------------------------------------------------------------ the smoke project

/** The environment of a user's shell: no pnpm/npm script variables, no workspace bin dirs. */
function cleanEnv(home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|INIT_CWD$|NODE_PATH$|TURBO_)/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => p && !resolve(p).startsWith(root + sep))
    .join(delimiter);
  env.HOME = home;
  env.USERPROFILE = home;
  // An empty user config: this machine's ~/.npmrc has `nodedir`, which would hide a build that
  // only works with Node's full headers. The global config (CA bundle) stays.
  env.npm_config_userconfig = join(home, '.npmrc');
  // The cache only stores downloaded tarballs; sharing it with the user's saves the downloads.
  env.npm_config_cache = process.env.TESSERA_SMOKE_NPM_CACHE ?? join(homedir(), '.npm');
  env.npm_config_update_notifier = 'false';
  return env;
}

function findAll(dir, name, found = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.isSymbolicLink()) continue;
    const p = join(dir, e.name);
    if (p.endsWith(join('node_modules', name))) found.push(p);
    findAll(p, name, found);
  }
  return found;
}

function parseResult(out) {
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? JSON.parse(line.slice('RESULT '.length)) : undefined;
}

function train(project, env, backend) {
  const r = run(process.execPath, ['train.mjs', backend], { cwd: project, env, timeoutS: 300 });
  const result = r.ok ? parseResult(r.stdout) : undefined;
  const unavailable = /backend '[^']+' is unavailable: (.*)/.exec(r.out);
  return { r, result, unavailable: unavailable?.[1] };
}

function checkTraining(backend, t) {
  const res = t.result;
  if (!res) {
    fail(`train on ${backend}`, `${t.r.why || 'no RESULT line'}\n${tail(t.r.out)}`);
    return false;
  }
  const first = res.losses[0];
  const last = res.losses[res.losses.length - 1];
  const dropped = Number.isFinite(first) && Number.isFinite(last) && last < 0.5 * first;
  let ok = check(
    res.backend === backend,
    `train on ${backend}: ran on '${backend}'`,
    `active backend '${res.backend}'`,
  );
  ok =
    check(
      dropped,
      `train on ${backend}: loss drops`,
      `${first.toFixed(4)} -> ${last.toFixed(4)} in ${res.losses.length} SGD steps, batch accuracy ${(100 * res.accuracy).toFixed(0)}%`,
    ) && ok;
  ok =
    check(
      res.tensorsAtEnd === res.tensorsAfterFirst,
      `train on ${backend}: memory stays flat`,
      `${res.tensorsAfterFirst} live tensors after step 1, ${res.tensorsAtEnd} after the last`,
    ) && ok;
  return ok;
}

// ------------------------------------------------------------------ browser bundles

async function loadVite() {
  const require = createRequire(join(root, 'package.json'));
  return import(pathToFileURL(require.resolve('vite')).href);
}

/** Bundle one entry for the browser; returns the emitted JS (concatenated), sizes and problems. */
async function bundle(vite, project, entry) {
  const outDir = join(project, `dist-${basename(entry, '.js')}`);
  const warnings = [];
  const logger = {
    info() {},
    warn(msg) {
      warnings.push(msg);
    },
    warnOnce(msg) {
      warnings.push(msg);
    },
    error(msg) {
      warnings.push(msg);
    },
    clearScreen() {},
    hasErrorLogged: () => false,
    hasWarned: false,
  };
  const output = await vite.build({
    configFile: false,
    root: project,
    logLevel: 'warn',
    customLogger: logger,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: join(project, entry),
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c.code), 0);
  const gzip = chunks.reduce((n, c) => n + gzipSync(c.code, { level: 9 }).length, 0);
  const modules = chunks.flatMap((c) => c.moduleIds ?? Object.keys(c.modules ?? {}));
  const problems = warnings.filter((w) => /externalized for browser compatibility|node:/.test(w));
  if (/\bfrom\s*["']node:|import\(\s*["']node:/.test(code))
    problems.push('the bundle imports a node: module');
  const main = join(outDir, `${basename(entry, '.js')}.js`);
  return { code, bytes, gzip, chunks: chunks.length, modules, problems, warnings, main };
}

/** String literals of at least 16 characters in the .js files under `dir` (minifiers keep them). */
function literals(dir, out = new Set(), skipDirs = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipDirs.includes(e.name)) literals(p, out);
    } else if (e.name.endsWith('.js')) {
      const src = readFileSync(p, 'utf8');
      for (const m of src.matchAll(/'((?:[^'\\\n]|\\.){16,})'|"((?:[^"\\\n]|\\.){16,})"/g)) {
        const s = m[1] ?? m[2];
        if (!s.includes('\\') && !s.includes('${')) out.add(s);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ main

async function main() {
  const started = Date.now();
  const work = mkdtempSync(join(realpathSync(tmpdir()), 'tessera-smoke-'));
  if (!relative(root, work).startsWith('..'))
    throw new Error(`temp dir ${work} is inside the workspace`);
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  const home = join(work, 'home');
  for (const d of [tarballs, project, home]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, '.npmrc'), '');
  console.log(
    `pack-smoke: working in ${work}${inCI ? ' (CI: an unavailable native backend fails)' : ''}`,
  );

  // ---- 1. build and pack
  section('build and pack');
  if (!args.has('--no-build')) {
    const r = run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
      {
        timeoutS: 900,
      },
    );
    check(r.ok, 'build packages/*', r.ok ? '' : `${r.why}\n${tail(r.out)}`);
  }
  const pkgs = workspacePackages();
  const versions = new Map(pkgs.map((p) => [p.json.name, p.json.version]));
  const packed = [];
  for (const p of pkgs) {
    const name = p.json.name;
    const r = run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, timeoutS: 120 });
    const tgz = join(tarballs, tarballName(p.json));
    if (
      !check(
        r.ok && existsSync(tgz),
        `pack ${name}`,
        r.ok ? kb(statSync(tgz).size) : `${r.why}\n${tail(r.out)}`,
      )
    ) {
      continue;
    }
    packed.push({ ...p, tgz });
    const manifest = JSON.parse(readFromTarball(tgz, 'package.json') ?? '{}');
    const problems = checkRewritten(manifest, versions);
    const internal = Object.keys(manifest.dependencies ?? {}).filter((d) => versions.has(d));
    check(
      problems.length === 0,
      `${name}: workspace ranges rewritten in the tarball`,
      problems.join('; ') ||
        (internal.length
          ? internal.map((d) => `${d} ${manifest.dependencies[d]}`).join(', ')
          : 'no internal deps'),
    );
    if (!args.has('--no-lint')) {
      const bin = (b) => join(root, 'node_modules', '.bin', b);
      const pl = run(bin('publint'), ['run', tgz, '--strict'], { timeoutS: 120 });
      check(pl.ok, `${name}: publint --strict`, pl.ok ? '' : tail(pl.out));
      const at = run(
        bin('attw'),
        [tgz, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji'],
        { timeoutS: 180 },
      );
      check(at.ok, `${name}: attw --profile esm-only`, at.ok ? '' : tail(at.out, 40));
    }
  }

  // ---- 2. a fresh project outside the workspace, plain npm
  section(`npm install the tarballs into ${project}`);
  const env = cleanEnv(home);
  const deps = {};
  for (const p of packed) {
    copyFileSync(p.tgz, join(project, basename(p.tgz)));
    deps[p.json.name] = `file:./${basename(p.tgz)}`;
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      { name: 'tessera-smoke', private: true, type: 'module', dependencies: deps },
      null,
      2,
    ),
  );
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));
  const t0 = Date.now();
  const npmVersion = run('npm', ['--version'], { cwd: project, env }).stdout.trim();
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
    cwd: project,
    env,
    timeoutS: 900,
  });
  writeFileSync(join(work, 'npm-install.log'), install.out);
  check(
    install.ok,
    `npm ${npmVersion} install (clean user config)`,
    install.ok
      ? `${((Date.now() - t0) / 1000).toFixed(0)} s`
      : `${install.why}\n${tail(install.out)}`,
  );
  if (!install.ok) return finish(work, started);

  // Every @tessera package must come from our tarball (never the registry), exactly once.
  for (const p of packed) {
    const copies = findAll(join(project, 'node_modules'), p.json.name);
    const installed = join(project, 'node_modules', p.json.name, 'package.json');
    const same =
      existsSync(installed) &&
      readFileSync(installed, 'utf8') === readFromTarball(p.tgz, 'package.json');
    check(
      copies.length === 1 && same,
      `${p.json.name}: installed once, from the tarball`,
      `${copies.length} cop${copies.length === 1 ? 'y' : 'ies'}${same ? '' : ', package.json differs from the tarball'}`,
    );
  }

  // ---- 3. Node: train on cpu and on native
  section('Node: train a tiny ConvNet with @tessera/core + @tessera/layers');
  const cpu = train(project, env, 'cpu');
  const cpuOk = checkTraining('cpu', cpu);
  const native = train(project, env, 'native');
  let nativeOk = false;
  if (native.unavailable && !native.result) {
    (inCI ? fail : skip)(
      'train on native',
      `the backend is unavailable: ${native.unavailable.trim()}`,
    );
  } else {
    nativeOk = checkTraining('native', native);
  }
  if (cpuOk && nativeOk) {
    const [a, b] = [cpu.result.losses, native.result.losses];
    const close = (x, y, tol) => Math.abs(x - y) <= tol * (1 + Math.abs(y));
    // Same seeds and data: the first loss differs only by float32 rounding; after 25 SGD steps
    // with momentum, differences in summation order may grow a little but stay small.
    check(
      close(a[0], b[0], 1e-4) && close(a[a.length - 1], b[b.length - 1], 2e-2),
      'cpu and native agree',
      `first loss ${a[0].toFixed(6)} vs ${b[0].toFixed(6)}, last ${a[a.length - 1].toFixed(6)} vs ${b[b.length - 1].toFixed(6)}`,
    );
  }
  if (packed.some((p) => p.json.name === '@tessera/backend-webgpu')) {
    // Importing the WebGPU backend in Node must work with or without a GPU: it registers, and
    // listBackends() says whether it initialised or why not (information, not a requirement).
    const code =
      "import '@tessera/backend-webgpu'; import { listBackends } from '@tessera/core';" +
      "const s = (await listBackends()).find((b) => b.name === 'webgpu');" +
      "console.log('RESULT ' + JSON.stringify(s ?? null)); process.exit(0);";
    const r = run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: project,
      env,
      timeoutS: 120,
    });
    const s = r.ok ? parseResult(r.stdout) : undefined;
    check(
      !!s,
      "Node: @tessera/backend-webgpu imports and registers 'webgpu'",
      s
        ? s.available
          ? 'available here'
          : `unavailable here: ${s.reason}`
        : `${r.why}\n${tail(r.out)}`,
    );
  }

  // ---- 4. browser bundles with Vite
  section('browser bundles (Vite, minified)');
  let vite;
  try {
    vite = await loadVite();
  } catch (err) {
    fail('load Vite from the workspace', String(err));
    return finish(work, started);
  }
  const built = {};
  for (const entry of [
    'browser-cpu.js',
    'browser-core.js',
    'browser-core-all.js',
    'browser-webgpu.js',
  ]) {
    try {
      built[entry] = await bundle(vite, project, entry);
    } catch (err) {
      fail(`vite build ${entry}`, String(err?.message ?? err));
    }
  }
  const nm = (name) => join(project, 'node_modules', ...name.split('/'));

  const cpuB = built['browser-cpu.js'];
  if (cpuB) {
    check(
      cpuB.problems.length === 0,
      `core + backend-cpu bundle: ${kb(cpuB.bytes)} minified, ${kb(cpuB.gzip)} gzipped (${cpuB.chunks} chunk${cpuB.chunks === 1 ? '' : 's'})`,
      cpuB.problems.join('; '),
    );
    // Run the browser bundle (it touches no DOM) and compare with a naive loop.
    const a = [
      [1, -2, 3],
      [4, 5, -6],
    ];
    const b = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const expected = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i][k] * b[k][j];
        expected.push(Math.max(0, s));
      }
    const code = `await import(${JSON.stringify(pathToFileURL(cpuB.main).href)}); console.log('RESULT ' + JSON.stringify(globalThis.tesseraSmoke));`;
    const r = run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: project,
      env,
      timeoutS: 60,
    });
    const got = r.ok ? parseResult(r.stdout) : undefined;
    check(
      JSON.stringify(got) === JSON.stringify(expected),
      'the core + backend-cpu bundle runs: relu(a @ b) matches a naive loop',
      got
        ? `${JSON.stringify(got)} (expected ${JSON.stringify(expected)})`
        : `${r.why}\n${tail(r.out)}`,
    );
  }

  const coreB = built['browser-core.js'];
  if (coreB) {
    // Markers: long string literals of backend code (the CPU backend, and the float64 reference
    // backend in core/testing) that never occur in core's main entry files.
    const coreDist = join(nm('@tessera/core'), 'dist');
    const coreMain = literals(coreDist, new Set(), ['testing']);
    const distinct = (set) => [...set].filter((s) => !coreMain.has(s));
    const cpuMarkers = distinct(literals(join(nm('@tessera/backend-cpu'), 'dist')));
    const refMarkers = distinct(literals(join(coreDist, 'testing')));
    // The markers must be able to find backend code: most CPU markers survive in the cpu bundle.
    const seen = cpuB ? cpuMarkers.filter((m) => cpuB.code.includes(m)) : [];
    check(
      seen.length > 0,
      'tree-shaking markers are detectable',
      `${seen.length} of ${cpuMarkers.length} backend-cpu string literals found in the cpu bundle; ${refMarkers.length} reference-backend literals`,
    );
    const leaked = [...cpuMarkers, ...refMarkers].filter((m) => coreB.code.includes(m));
    const backendModules = coreB.modules.filter((id) =>
      /@tessera[\\/]backend-|[\\/]dist[\\/]testing[\\/]/.test(id),
    );
    check(
      coreB.modules.length > 0 &&
        leaked.length === 0 &&
        backendModules.length === 0 &&
        coreB.problems.length === 0,
      'core-only bundle holds no backend code',
      [
        coreB.modules.length ? '' : 'the bundler reported no module ids',
        leaked.length
          ? `markers found: ${leaked
              .slice(0, 3)
              .map((m) => JSON.stringify(m))
              .join(', ')}`
          : '',
        backendModules.length ? `modules: ${backendModules.join(', ')}` : '',
        ...coreB.problems,
      ]
        .filter(Boolean)
        .join('; '),
    );
    const all = built['browser-core-all.js'];
    check(
      coreB.bytes <= CORE_ONLY_BOUND_BYTES,
      `core-only bundle: ${kb(coreB.bytes)} minified, ${kb(coreB.gzip)} gzipped`,
      `bound ${kb(CORE_ONLY_BOUND_BYTES)} minified` +
        (all ? `; all of core's API would be ${kb(all.bytes)} (${kb(all.gzip)} gzipped)` : ''),
    );
  }

  const gpuB = built['browser-webgpu.js'];
  if (gpuB) {
    const dawn = gpuB.modules.filter((id) => /node_modules[\\/]webgpu[\\/]/.test(id));
    const hasBackend = gpuB.modules.some((id) => /@tessera[\\/]backend-webgpu[\\/]/.test(id));
    check(
      hasBackend && dawn.length === 0 && gpuB.problems.length === 0,
      `core + backend-webgpu bundle without Dawn: ${kb(gpuB.bytes)} minified, ${kb(gpuB.gzip)} gzipped`,
      [
        hasBackend
          ? ''
          : 'the bundle does not contain @tessera/backend-webgpu (module ids missing?)',
        dawn.length ? `pulled in ${dawn.join(', ')}` : '',
        ...gpuB.problems,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }

  return finish(work, started);
}

function finish(work, started) {
  const n = (s) => results.filter((r) => r.status === s).length;
  const failed = n('fail');
  section('summary');
  for (const r of results.filter((r) => r.status !== 'pass')) {
    console.log(`  ${r.status === 'fail' ? 'FAIL' : 'skip'} ${r.name}`);
  }
  if (failed === 0 && !args.has('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`  kept ${work} (npm-install.log, project/)`);
  console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${n('pass')} passed, ${failed} failed, ${n('skip')} skipped`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    console.log(
      `${results.filter((r) => r.status === 'pass').length} passed, ${results.filter((r) => r.status === 'fail').length + 1} failed, ${results.filter((r) => r.status === 'skip').length} skipped`,
    );
    process.exitCode = 1;
  },
);
