#!/usr/bin/env node
/**
 * Run every workspace package's test suite, one package at a time, and sum the results.
 *
 *   node scripts/test-all.mjs [--build] [filter ...] [-- runner args ...]
 *
 *   --build       build the selected packages (and what they depend on) with turbo first
 *   filter        a package name (@tessera/core), its short name (core) or its folder
 *                 (packages/core); several filters run several packages; none runs all
 *   -- args       passed to every package's test runner (e.g. `-- -t conv2d` for vitest)
 *
 * Each package's `test` script runs as the package defines it. For a plain `vitest` script the
 * JSON reporter is added next to the default one, so the log stays readable and the counts come
 * from the JSON file; for other scripts (node --test, or a compound command) the counts are read
 * from the runners' summary lines. Output goes through unchanged as it happens.
 *
 * The last line printed is always `N passed, N failed, N skipped` (test cases summed over all
 * packages). So that "0 failed" always means "all good", a test file that could not run at all,
 * a package run that crashed or timed out with no failing case, and a failed build each add 1 to
 * "failed" (the report above the line says which). Exit code: 0 when nothing failed, 1 otherwise,
 * 2 on a usage error.
 *
 * Environment: TESSERA_TEST_RESULTS_DIR (where per-package JSON goes; default
 * node_modules/.cache/test-results), TESSERA_TEST_TIMEOUT_S (per package, default 1800).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = resolve(
  process.env.TESSERA_TEST_RESULTS_DIR ?? join(root, 'node_modules', '.cache', 'test-results'),
);
const timeoutS = Number(process.env.TESSERA_TEST_TIMEOUT_S ?? 1800);

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { build: false, filters: [], runnerArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.runnerArgs = argv.slice(i + 1);
      break;
    } else if (a === '--build') opts.build = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a.startsWith('--filter=')) opts.filters.push(a.slice('--filter='.length));
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else opts.filters.push(a);
  }
  return opts;
}

class UsageError extends Error {}

// ---------------------------------------------------------------- workspace discovery

/** The `packages:` globs of pnpm-workspace.yaml; only `dir/*` and plain `dir` forms are used here. */
function workspaceGlobs() {
  const text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [];
  let inPackages = false;
  for (const line of text.split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const m = /^\s+-\s+['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
      if (m) globs.push(m[1]);
    }
  }
  return globs;
}

function workspacePackages() {
  const dirs = [];
  for (const glob of workspaceGlobs()) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else dirs.push(join(root, glob));
  }
  const pkgs = [];
  for (const dir of dirs) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    pkgs.push({
      name: json.name ?? basename(dir),
      dir,
      rel: relative(root, dir),
      testScript: json.scripts?.test,
      deps: Object.keys({ ...json.dependencies, ...json.devDependencies }),
    });
  }
  return topoSort(pkgs);
}

/** Dependencies first (core before backends before apps), folder order otherwise. */
function topoSort(pkgs) {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const out = [];
  const state = new Map();
  const visit = (p) => {
    if (state.get(p.name) === 'done' || state.get(p.name) === 'visiting') return;
    state.set(p.name, 'visiting');
    for (const d of p.deps) if (byName.has(d)) visit(byName.get(d));
    state.set(p.name, 'done');
    out.push(p);
  };
  pkgs.forEach(visit);
  return out;
}

function matches(pkg, filter) {
  const f = filter.replace(/\/+$/, '');
  return (
    pkg.name === f ||
    pkg.name.replace(/^@[^/]+\//, '') === f ||
    pkg.rel === f ||
    basename(pkg.dir) === f
  );
}

// ---------------------------------------------------------------- running

/** Run a command, teeing its output; resolves with exit code and the (ANSI-free) output tail. */
let current; // the running child, so Ctrl-C reaches its whole process group

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) killGroup(current, sig);
    process.exit(130);
  });
}

function run(cmd, args, cwd, env = process.env) {
  return new Promise((done) => {
    // Its own process group, so a timeout can stop the runner and everything it started.
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let text = '';
    const keep = (chunk) => {
      text += chunk.toString('utf8');
      // Summaries are at the end; keep the last 4 MB for parsing.
      if (text.length > 8_000_000) text = text.slice(-4_000_000);
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      keep(c);
    });
    child.stderr.on('data', (c) => {
      process.stderr.write(c);
      keep(c);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 10_000).unref();
    }, timeoutS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      done({ code: 127, signal: null, timedOut, text: `${text}\n${err.message}`, spawnError: err });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      done({ code, signal, timedOut, text: stripAnsi(text) });
    });
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function stripAnsi(s) {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

/** A script that is just `vitest [...]`, so extra reporter flags reach vitest itself. */
function isPlainVitest(script) {
  return /^\s*vitest(\s|$)/.test(script) && !/[;&|<>`$()]/.test(script);
}

// ---------------------------------------------------------------- counting

const empty = () => ({ passed: 0, failed: 0, skipped: 0, fileErrors: 0, failures: [] });

/** Counts from vitest's JSON reporter file (jest-compatible shape). */
function countFromVitestJson(file) {
  if (!existsSync(file)) return undefined;
  let json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const c = empty();
  c.passed = json.numPassedTests ?? 0;
  c.failed = json.numFailedTests ?? 0;
  c.skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  for (const f of json.testResults ?? []) {
    const cases = f.assertionResults ?? [];
    for (const a of cases) {
      if (a.status === 'failed')
        c.failures.push(`${relative(root, f.name)} > ${a.fullName ?? a.title}`);
    }
    // A file that failed with no failing case never ran (import error, syntax error, ...).
    if (f.status === 'failed' && !cases.some((a) => a.status === 'failed')) {
      c.fileErrors++;
      const why = String(f.message ?? '').split('\n')[0];
      c.failures.push(`${relative(root, f.name)} (could not run${why ? `: ${why}` : ''})`);
    }
  }
  return c;
}

/** Counts from runners' summary lines: node:test (spec or TAP) and vitest's text reporter. */
function countFromText(text) {
  let found = false;
  const c = empty();
  // node --test: "ℹ pass 5" (spec reporter) or "# pass 5" (TAP); one block per run.
  const node = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  for (const m of text.matchAll(/^[ℹ#] (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/gm)) {
    node[m[1]] += Number(m[2]);
    found = true;
  }
  c.passed += node.pass;
  c.failed += node.fail + node.cancelled;
  c.skipped += node.skipped + node.todo;
  // Names of failing node:test cases: "not ok 3 - name" (TAP) or "✖ name (1.2ms)" (spec).
  const names = new Set();
  for (const m of text.matchAll(/^\s*not ok \d+ - (.+?)(?: # .*)?$/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^\s*✖ (.+?) \([\d.]+m?s\)$/gm)) names.add(m[1]);
  c.failures.push(...names);
  // vitest: " Tests  2 failed | 40 passed | 1 skipped (43)"; " Test Files  1 failed | 3 passed (4)".
  for (const m of text.matchAll(/^\s*Tests\s+(.+?)\s*\(\d+\)\s*$/gm)) {
    found = true;
    for (const part of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      const n = Number(part[1]);
      if (part[2] === 'passed') c.passed += n;
      else if (part[2] === 'failed') c.failed += n;
      else c.skipped += n;
    }
  }
  return found ? c : undefined;
}

// ---------------------------------------------------------------- main

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`test-all: ${err.message} (see the header of scripts/test-all.mjs)`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0];
    console.log(header.replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \*( |$)/gm, ''));
    return 0;
  }

  const all = workspacePackages();
  let selected = all.filter((p) => p.testScript);
  if (opts.filters.length > 0) {
    for (const f of opts.filters) {
      const hit = all.find((p) => matches(p, f));
      if (!hit) {
        console.error(`test-all: no workspace package matches '${f}'. Packages:`);
        for (const p of all) console.error(`  ${p.name.padEnd(28)} ${p.rel}`);
        return 2;
      }
      if (!hit.testScript) {
        console.error(`test-all: ${hit.name} (${hit.rel}) has no "test" script`);
        return 2;
      }
    }
    selected = selected.filter((p) => opts.filters.some((f) => matches(p, f)));
  }

  let buildFailed = false;
  if (opts.build) {
    const filters = opts.filters.length > 0 ? selected.map((p) => `--filter=${p.name}`) : [];
    console.log(`\n=== build (turbo run build ${filters.join(' ')})`.trimEnd());
    const r = await run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--continue', '--output-logs=new-only', ...filters],
      root,
    );
    buildFailed = r.code !== 0;
    if (buildFailed) console.log('\ntest-all: the build failed; running the tests anyway.');
  }

  mkdirSync(resultsDir, { recursive: true });
  const results = [];
  for (const pkg of selected) {
    const jsonFile = join(resultsDir, `${pkg.name.replace(/[@/]/g, '_')}.json`);
    rmSync(jsonFile, { force: true }); // never read a previous run's file
    const vitest = isPlainVitest(pkg.testScript);
    const extra = vitest
      ? ['--run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`]
      : [];
    const shown = [pkg.testScript, ...opts.runnerArgs].join(' ');
    console.log(`\n=== ${pkg.name} (${pkg.rel}): ${shown}`);
    const start = Date.now();
    const r = await run('pnpm', ['--silent', 'run', 'test', ...extra, ...opts.runnerArgs], pkg.dir);
    const seconds = (Date.now() - start) / 1000;

    const counts = (vitest ? countFromVitestJson(jsonFile) : undefined) ?? countFromText(r.text);
    const res = { pkg, seconds, code: r.code, counts: counts ?? empty(), problems: [] };
    if (r.timedOut) res.problems.push(`timed out after ${timeoutS} s (TESSERA_TEST_TIMEOUT_S)`);
    else if (r.signal) res.problems.push(`killed by ${r.signal}`);
    else if (r.spawnError) res.problems.push(`could not start: ${r.spawnError.message}`);
    if (!counts) res.problems.push('no test counts found in its output');
    if (r.code !== 0 && res.counts.failed === 0 && res.counts.fileErrors === 0 && !r.timedOut) {
      res.problems.push(`exited with code ${r.code ?? r.signal} although no test case failed`);
    }
    results.push(res);
  }

  // ---- report
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let extraFailures = 0;
  console.log('\n=== summary');
  if (opts.build)
    console.log(
      `  ${buildFailed ? 'FAIL' : 'ok  '} build${buildFailed ? ' (counted as 1 failed)' : ''}`,
    );
  for (const r of results) {
    const c = r.counts;
    // A package that crashed without any failing case still counts as one failure.
    const crashed = r.problems.length > 0 && c.failed === 0 && c.fileErrors === 0 ? 1 : 0;
    const pkgFailed = c.failed + c.fileErrors + crashed;
    passed += c.passed;
    failed += pkgFailed;
    skipped += c.skipped;
    extraFailures += c.fileErrors + crashed;
    const ok = pkgFailed === 0 && r.code === 0;
    console.log(
      `  ${ok ? 'ok  ' : 'FAIL'} ${r.pkg.name.padEnd(26)} ${String(c.passed).padStart(5)} passed, ` +
        `${String(pkgFailed).padStart(3)} failed, ${String(c.skipped).padStart(3)} skipped  ` +
        `(${r.seconds.toFixed(1)} s)`,
    );
    for (const f of c.failures.slice(0, 25)) console.log(`         x ${f}`);
    if (c.failures.length > 25) console.log(`         ... and ${c.failures.length - 25} more`);
    for (const p of r.problems) console.log(`         ! ${p}`);
  }
  if (buildFailed) {
    failed += 1;
    extraFailures += 1;
  }
  if (results.length === 0) {
    console.log('  (no package with a "test" script was selected)');
  }
  if (extraFailures > 0) {
    console.log(
      `  note: "failed" includes ${extraFailures} for builds, test files or package runs that ` +
        `failed without a failing test case`,
    );
  }
  writeFileSync(
    join(resultsDir, 'summary.json'),
    JSON.stringify(
      {
        passed,
        failed,
        skipped,
        buildFailed,
        packages: results.map((r) => ({
          name: r.pkg.name,
          exitCode: r.code,
          seconds: r.seconds,
          ...r.counts,
          problems: r.problems,
        })),
      },
      null,
      2,
    ),
  );
  console.log(`  per-package results: ${relative(process.cwd(), resultsDir) || '.'}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  const allOk = failed === 0 && results.length > 0 && results.every((r) => r.code === 0);
  return allOk ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exitCode = 1;
  },
);
