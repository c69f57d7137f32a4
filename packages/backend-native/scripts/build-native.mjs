#!/usr/bin/env node
// Builds the addon with cmake-js and records the outcome in build/native-status.json, which the
// backend's loader reads to explain why it is unavailable.
//
//   node scripts/build-native.mjs              build; exit 1 on failure (pnpm ... build:native)
//   node scripts/build-native.mjs --if-possible  build when the toolchain is there; never fail
//                                               (the package's install script: an install must
//                                               not break because a machine has no compiler)
//
// Nothing is downloaded: package.json declares "binary": {"napi_versions": [8]}, so cmake-js
// takes Node-API headers from the node-api-headers package instead of fetching Node's headers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const statusFile = join(buildDir, 'native-status.json');
const logFile = join(buildDir, 'native-build.log');
const ifPossible = process.argv.includes('--if-possible');

const fixAll =
  process.platform === 'darwin'
    ? 'brew install cmake openblas (and the Xcode command line tools)'
    : 'apt-get install -y cmake g++ libopenblas-dev (Debian/Ubuntu; elsewhere: CMake >= 3.15, a C++17 compiler, OpenBLAS)';

function finish(ok, reason, fix) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(
    statusFile,
    JSON.stringify({ ok, ...(reason ? { reason } : {}), ...(fix ? { fix } : {}) }, null, 2) + '\n',
  );
  if (ok) {
    console.log('@tessera/backend-native: built build/Release/tessera_native.node');
    process.exit(0);
  }
  const msg = `@tessera/backend-native: native addon not built: ${reason}.${fix ? ` Fix: ${fix}.` : ''}`;
  if (ifPossible) {
    console.warn(`${msg} The backend will report itself unavailable; the rest of Tessera works.`);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}

function onPath(names) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

if (process.env.TESSERA_NATIVE_SKIP_BUILD === '1') {
  finish(
    false,
    'the build was skipped (TESSERA_NATIVE_SKIP_BUILD=1)',
    'unset TESSERA_NATIVE_SKIP_BUILD',
  );
}
if (!onPath(['cmake'])) finish(false, 'CMake was not found on PATH', fixAll);
const cxx = process.env.CXX
  ? (onPath([process.env.CXX]) ?? (existsSync(process.env.CXX) ? process.env.CXX : undefined))
  : onPath(['c++', 'g++', 'clang++']);
if (!cxx)
  finish(
    false,
    `no C++ compiler was found (${process.env.CXX ? `CXX=${process.env.CXX}` : 'c++, g++ or clang++'} on PATH)`,
    fixAll,
  );

let cmakeJs;
try {
  cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
} catch {
  finish(
    false,
    'the cmake-js package is not installed',
    'run pnpm install (or npm install) in the package first',
  );
}

const run = spawnSync(process.execPath, [cmakeJs, 'build', '--directory', root], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env },
  maxBuffer: 64 * 1024 * 1024,
});
const log = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
mkdirSync(buildDir, { recursive: true });
writeFileSync(logFile, log);
if (run.status !== 0 && !ifPossible) process.stderr.write(log.slice(-8000));

if (run.status === 0 && existsSync(join(buildDir, 'Release', 'tessera_native.node'))) finish(true);

if (/Could NOT find BLAS|BLAS_LIBRARIES|cblas\.h not found/i.test(log)) {
  finish(false, 'OpenBLAS (library or cblas.h header) was not found by CMake', fixAll);
}
if (/node-addon-api not found/.test(log))
  finish(false, 'the node-addon-api package is missing', 'run pnpm install first');
const tail = log
  .trim()
  .split('\n')
  .filter((l) => /error|Error|FAILED/.test(l))
  .slice(-3)
  .join(' | ');
finish(false, `the build failed (see ${logFile}${tail ? `; ${tail}` : ''})`, fixAll);
