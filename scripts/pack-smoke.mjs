#!/usr/bin/env node
/**
 * Pack smoke test: the packages as a user gets them from npm, checked from outside the workspace.
 *
 *   node scripts/pack-smoke.mjs [--no-build] [--no-lint] [--keep]
 *
 *   1. builds packages/* (turbo; a cache hit when nothing changed), `pnpm pack`s each and checks
 *      the tarball: `workspace:` ranges rewritten, publint --strict, attw (esm-only profile).
 *   2. creates a fresh project in the OS temp dir (never inside the workspace) and installs the
 *      tarballs with plain `npm install`, with an empty npm user config and no pnpm/npm variables
 *      inherited; the registry serves third-party dependencies only. The native backend builds
 *      in its install script there.
 *   3. in Node, trains a tiny ConvNet with @tessera/core + @tessera/layers on 'cpu' and on
 *      'native' (pack-smoke/project/train.mjs: the backend is one argument on one line): the
 *      loss must drop, memory stay flat, both backends agree. Native unavailable (its build
 *      failed) is a failure when CI=true, a skip otherwise. Imports the WebGPU backend too.
 *   4. bundles browser entries with Vite: core + backend-cpu (size reported; the bundle is run),
 *      core + backend-webgpu (Dawn must stay out), core alone (no backend code, size bound in
 *      pack-smoke/browser.mjs).
 *   5. takes each package's README example (the first ```ts block of the README in the
 *      tarball), typechecks it against the installed packages (strict, skipLibCheck off) and
 *      runs it.
 *
 *   --no-build   use the packages' dist/ as it is
 *   --no-lint    skip publint and attw
 *   --keep       keep the temporary directory (always kept when a check fails)
 *
 * The last line is `N passed, N failed, N skipped` (checks, not test cases); the exit status is
 * 1 when a check failed. Needs the npm registry (or npm's cache) for third-party dependencies.
 * Environment: CI=true, TESSERA_SMOKE_NPM_CACHE (npm cache dir; default ~/.npm).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserChecks } from './pack-smoke/browser.mjs';
import { cleanEnv, installProject } from './pack-smoke/install.mjs';
import { nodeChecks } from './pack-smoke/node.mjs';
import { packAll } from './pack-smoke/pack.mjs';
import { readmeChecks } from './pack-smoke/readme.mjs';
import { check, counts, notPassed, run, section, tail } from './pack-smoke/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OPTIONS = ['--no-build', '--no-lint', '--keep'];
const args = new Set(process.argv.slice(2));
const inCI = process.env.CI === 'true' || process.env.CI === '1';

async function main(work) {
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  const home = join(work, 'home');
  for (const d of [tarballs, project, home]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, '.npmrc'), '');

  section('build and pack');
  if (!args.has('--no-build')) {
    const r = run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
      { cwd: root, timeoutS: 900 },
    );
    check(r.ok, 'build packages/*', r.ok ? '' : `${r.why}\n${tail(r.out)}`);
  }
  const packed = packAll(root, tarballs, { lint: !args.has('--no-lint') });

  section(`npm install the tarballs into ${project}`);
  const env = cleanEnv(root, home);
  const fixtures = join(root, 'scripts', 'pack-smoke', 'project');
  const logFile = join(work, 'npm-install.log');
  if (!installProject({ project, fixtures, packed, env, logFile })) return;

  section('Node: train a tiny ConvNet with @tessera/core + @tessera/layers');
  const withWebGPU = packed.some((p) => p.json.name === '@tessera/backend-webgpu');
  nodeChecks({ project, env, inCI, withWebGPU });

  section('browser bundles (Vite, minified)');
  await browserChecks({ root, project, env });

  section('README examples (from the tarballs): typecheck and run');
  readmeChecks({ root, project, env, packed, inCI });
}

const unknown = [...args].filter((a) => !OPTIONS.includes(a));
if (unknown.length > 0) {
  console.error(`pack-smoke: unknown option ${unknown.join(' ')} (options: ${OPTIONS.join(' ')})`);
  process.exit(2);
}
const started = Date.now();
const work = mkdtempSync(join(realpathSync(tmpdir()), 'tessera-smoke-'));
if (!relative(root, work).startsWith('..')) {
  console.error(`pack-smoke: the temp dir ${work} is inside the workspace; set TMPDIR elsewhere`);
  process.exit(2);
}
console.log(`pack-smoke: working in ${work}${inCI ? ' (CI: native unavailable = failure)' : ''}`);
try {
  await main(work);
} catch (err) {
  check(false, 'pack-smoke ran to the end', err?.stack ?? String(err));
}
const { passed, failed, skipped } = counts();
section('summary');
for (const r of notPassed()) console.log(`  ${r.status === 'fail' ? 'FAIL' : 'skip'} ${r.name}`);
if (failed === 0 && !args.has('--keep')) rmSync(work, { recursive: true, force: true });
else console.log(`  kept ${work} (npm-install.log, project/)`);
console.log(`  took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 ? 0 : 1;
