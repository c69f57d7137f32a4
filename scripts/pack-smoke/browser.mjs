/**
 * Stage 4: browser bundles of the installed packages, built with the workspace's Vite.
 *   project/browser-cpu.js       core + backend-cpu: size reported; the bundle is run and checked
 *   project/browser-core.js      core alone: no backend code, under CORE_ONLY_BOUND_BYTES
 *   project/browser-core-all.js  all of core's API, for scale
 *   project/browser-webgpu.js    core + backend-webgpu: the `webgpu` (Dawn) addon must stay out
 *   project/browser-native.js    backend-native is Node-only: the build must fail to resolve it
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { check, fail, kb, parseResult, run, tail } from './report.mjs';

/**
 * Upper bound for the core-only bundle (project/browser-core.js, minified, not gzipped).
 * That entry uses tensor creation, add/matmul/relu/sum and `grad`, which needs what every core
 * user gets (Tensor, engine and memory tracking, registry, dispatch, errors, shape checks, the
 * autodiff tape and those ops' VJP rules). Measured with Vite 8 when this was written: that
 * entry 14.1 KB; ALL of core's public API 37.2 KB; core + the whole CPU backend 61.2 KB, so the
 * CPU backend alone is ~24 KB. 24 KB leaves ~70% room for core to grow and still fails if
 * tree-shaking stops working (all of core: 37 KB) or if a backend is pulled in (+24 KB),
 * whatever the marker check finds.
 */
export const CORE_ONLY_BOUND_BYTES = 24 * 1024;

const ENTRIES = ['browser-cpu.js', 'browser-core.js', 'browser-core-all.js', 'browser-webgpu.js'];

/** Bundle one entry for the browser: its JS, sizes, module ids and browser-compat problems. */
async function bundle(vite, project, entry) {
  const name = basename(entry, '.js');
  const outDir = join(project, `dist-${name}`);
  const warnings = [];
  const note = (msg) => warnings.push(String(msg));
  const logger = {
    info() {},
    warn: note,
    warnOnce: note,
    error: note,
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
      target: 'es2022', // top-level await in the entries
      minify: true,
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: join(project, entry),
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  const chunks = (Array.isArray(output) ? output : [output])
    .flatMap((o) => o.output)
    .filter((o) => o.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  const problems = warnings.filter((w) => /externalized for browser compatibility|node:/.test(w));
  if (/\bfrom\s*["']node:|import\(\s*["']node:/.test(code)) {
    problems.push('the bundle imports a node: module');
  }
  return {
    code,
    bytes: chunks.reduce((n, c) => n + Buffer.byteLength(c.code), 0),
    gzip: chunks.reduce((n, c) => n + gzipSync(c.code, { level: 9 }).length, 0),
    chunks: chunks.length,
    modules: chunks.flatMap((c) => c.moduleIds ?? Object.keys(c.modules ?? {})),
    problems,
    main: join(outDir, `${name}.js`),
  };
}

/** The .js files under `dir`, recursively, except directories named in `skipDirs`. */
function jsFiles(dir, skipDirs = [], out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && !skipDirs.includes(e.name)) jsFiles(p, [], out);
    else if (e.isFile() && e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** String literals of 16+ characters in the .js files under `dir` (minifiers keep them). */
function literals(dir) {
  const out = new Set();
  for (const f of jsFiles(dir)) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/'((?:[^'\\\n]|\\.){16,})'|"((?:[^"\\\n]|\\.){16,})"/g)) {
      const s = m[1] ?? m[2];
      if (!s.includes('\\') && !s.includes('${')) out.add(s);
    }
  }
  return out;
}

/** relu(a @ b) for browser-cpu.js's inputs, by a naive loop. */
function expectedCpuResult() {
  const a = [
    [1, -2, 3],
    [4, 5, -6],
  ];
  const b = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  const out = [];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i][k] * b[k][j];
      out.push(Math.max(0, s));
    }
  }
  return out;
}

function checkCpu(b, project, env) {
  check(
    b.problems.length === 0,
    `core + backend-cpu bundle: ${kb(b.bytes)} minified, ${kb(b.gzip)} gzipped ` +
      `(${b.chunks} chunk${b.chunks === 1 ? '' : 's'})`,
    b.problems.join('; '),
  );
  // Run the bundle (it touches no DOM) and compare with a naive loop.
  const url = JSON.stringify(pathToFileURL(b.main).href);
  const code = `await import(${url}); console.log('RESULT ' + JSON.stringify(globalThis.tesseraSmoke));`;
  const r = run(process.execPath, ['--input-type=module', '-e', code], {
    cwd: project,
    env,
    timeoutS: 60,
  });
  const got = r.ok ? parseResult(r.stdout) : undefined;
  const expected = expectedCpuResult();
  check(
    JSON.stringify(got) === JSON.stringify(expected),
    'the core + backend-cpu bundle runs: relu(a @ b) matches a naive loop',
    got
      ? `${JSON.stringify(got)} (expected ${JSON.stringify(expected)})`
      : `${r.why}\n${tail(r.out)}`,
  );
}

function checkCoreOnly(core, all, cpu, project) {
  const nm = (name) => join(project, 'node_modules', ...name.split('/'));
  // Markers: long string literals of backend code (the CPU backend, and the float64 reference
  // backend in core/testing) that never occur in core's main entry files.
  const coreDist = join(nm('@tessera/core'), 'dist');
  const coreMain = jsFiles(coreDist, ['testing'])
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const distinct = (set) => [...set].filter((s) => !coreMain.includes(s));
  const cpuMarkers = distinct(literals(join(nm('@tessera/backend-cpu'), 'dist')));
  const refMarkers = distinct(literals(join(coreDist, 'testing')));
  // The check must be able to fail: markers have to show up where backend code is.
  const seen = cpu ? cpuMarkers.filter((m) => cpu.code.includes(m)) : [];
  check(
    seen.length > 0,
    'tree-shaking markers are detectable',
    `${seen.length} of ${cpuMarkers.length} backend-cpu string literals are in the cpu bundle; ` +
      `${refMarkers.length} reference-backend literals`,
  );
  const leaked = [...cpuMarkers, ...refMarkers].filter((m) => core.code.includes(m));
  const backendModules = core.modules.filter((id) =>
    /@tessera[\\/]backend-|[\\/]dist[\\/]testing[\\/]/.test(id),
  );
  check(
    core.modules.length > 0 &&
      leaked.length === 0 &&
      backendModules.length === 0 &&
      core.problems.length === 0,
    'core-only bundle holds no backend code',
    [
      core.modules.length ? '' : 'the bundler reported no module ids',
      leaked.length
        ? `markers found: ${leaked
            .slice(0, 3)
            .map((m) => JSON.stringify(m))
            .join(', ')}`
        : '',
      backendModules.length
        ? `${backendModules.length} backend modules, e.g. ${backendModules.slice(0, 2).join(', ')}`
        : '',
      ...core.problems,
    ]
      .filter(Boolean)
      .join('; '),
  );
  check(
    core.bytes <= CORE_ONLY_BOUND_BYTES,
    `core-only bundle: ${kb(core.bytes)} minified, ${kb(core.gzip)} gzipped`,
    `bound ${kb(CORE_ONLY_BOUND_BYTES)}` +
      (all ? `; all of core's API: ${kb(all.bytes)} minified, ${kb(all.gzip)} gzipped` : ''),
  );
}

function checkWebGPU(b) {
  const dawn = b.modules.filter((id) => /node_modules[\\/]webgpu[\\/]/.test(id));
  const hasBackend = b.modules.some((id) => /@tessera[\\/]backend-webgpu[\\/]/.test(id));
  check(
    hasBackend && dawn.length === 0 && b.problems.length === 0,
    `core + backend-webgpu bundle, without Dawn: ${kb(b.bytes)} minified, ${kb(b.gzip)} gzipped`,
    [
      hasBackend ? '' : 'the bundle does not contain @tessera/backend-webgpu (no module ids?)',
      dawn.length ? `pulled in ${dawn.join(', ')}` : '',
      ...b.problems,
    ]
      .filter(Boolean)
      .join('; '),
  );
}

export async function browserChecks({ root, project, env }) {
  let vite;
  try {
    const require = createRequire(join(root, 'package.json'));
    vite = await import(pathToFileURL(require.resolve('vite')).href);
  } catch (err) {
    fail("load the workspace's Vite", String(err));
    return;
  }
  const built = {};
  for (const entry of ENTRIES) {
    try {
      built[entry] = await bundle(vite, project, entry);
    } catch (err) {
      fail(`vite build ${entry}`, String(err?.message ?? err));
    }
  }
  let nodeOnly = '';
  try {
    await bundle(vite, project, 'browser-native.js');
  } catch (err) {
    nodeOnly = String(err?.message ?? err);
  }
  const refused = /not exported under the conditions|no known conditions|Missing "\." specifier/i;
  check(
    refused.test(nodeOnly),
    'a browser bundle cannot import @tessera/backend-native (Node-only exports)',
    nodeOnly
      ? (nodeOnly.split('\n').find((l) => refused.test(l)) ?? nodeOnly).trim().slice(0, 90) + '...'
      : 'it bundled',
  );

  const cpu = built['browser-cpu.js'];
  if (cpu) checkCpu(cpu, project, env);
  const core = built['browser-core.js'];
  if (core) checkCoreOnly(core, built['browser-core-all.js'], cpu, project);
  if (built['browser-webgpu.js']) checkWebGPU(built['browser-webgpu.js']);
}
