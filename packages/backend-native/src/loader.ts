/**
 * Finds and loads the compiled addon (build/Release/tessera_native.node). When it is missing or
 * cannot load, the error says exactly what is wrong and the command that fixes it; the registry
 * shows that message as the reason the backend is unavailable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@tessera/core';
import type { NativeAddon } from './addon-types.js';

/** The package root: src/ and dist/ both sit one level below it. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const addonPath = join(packageRoot, 'build', 'Release', 'tessera_native.node');
/** Written by scripts/build-native.mjs: whether the last build worked, and why not. */
export const statusPath = join(packageRoot, 'build', 'native-status.json');

interface BuildStatus {
  ok: boolean;
  reason?: string;
  fix?: string;
}

/** The one command that builds the addon, for where this package sits. */
export function buildCommand(): string {
  const inWorkspace = existsSync(join(packageRoot, '..', '..', 'pnpm-workspace.yaml'));
  return inWorkspace
    ? 'pnpm --filter @tessera/backend-native build:native'
    : `npm run build:native --prefix "${packageRoot}"`;
}

function readStatus(): BuildStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(statusPath, 'utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as BuildStatus).ok === 'boolean') {
      return parsed as BuildStatus;
    }
  } catch {
    // no status file: the build never ran
  }
  return undefined;
}

function missingMessage(path: string): string {
  const status = readStatus();
  const head = `the native addon is not built (${path} is missing).`;
  if (status && !status.ok && status.reason) {
    const fix = status.fix
      ? ` Fix: ${status.fix}, then run \`${buildCommand()}\`.`
      : ` Then run \`${buildCommand()}\`.`;
    return `${head} The last build failed: ${status.reason}.${fix}`;
  }
  return (
    `${head} Its install script did not run (pnpm runs dependency build scripts only for allowed ` +
    `packages) or was skipped. Build it with \`${buildCommand()}\` ` +
    `(needs CMake, a C++17 compiler and OpenBLAS; Debian/Ubuntu: apt-get install -y cmake g++ libopenblas-dev).`
  );
}

const cache = new Map<string, NativeAddon>();

/**
 * How long (log2 of CPU cycles) OpenBLAS's idle threads spin before sleeping, unless the user
 * chose: OpenBLAS's default, 28 (about 0.1 s), keeps a thread spinning on sched_yield through
 * most of a training step, while the addon runs its small kernels on its own threads; on 2 cores
 * that thread took 29% of all CPU samples (perf) and a LeNet step ran 15-30% slower than with
 * 18 (about 0.1 ms, which still covers back-to-back GEMMs). OpenBLAS reads the variable once,
 * when the addon loads it.
 */
export const OPENBLAS_THREAD_TIMEOUT_DEFAULT = '18';

/** Sets OPENBLAS_THREAD_TIMEOUT in `env` unless the user set it (or its old name). */
export function defaultBlasEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  if (env.OPENBLAS_THREAD_TIMEOUT === undefined && env.GOTO_THREAD_TIMEOUT === undefined) {
    env.OPENBLAS_THREAD_TIMEOUT = OPENBLAS_THREAD_TIMEOUT_DEFAULT;
  }
}

/**
 * The addon, loaded once per process. Throws BackendError naming what is missing.
 * TESSERA_NATIVE_ADDON may point at another build (a sanitizer or debug build).
 */
export function loadAddon(
  path: string = process.env.TESSERA_NATIVE_ADDON || addonPath,
): NativeAddon {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!existsSync(path)) throw new BackendError(missingMessage(path));
  const require = createRequire(import.meta.url);
  defaultBlasEnvironment();
  try {
    const addon = require(path) as NativeAddon;
    cache.set(path, addon);
    return addon;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const blas = /openblas|libblas|cblas/i.test(why)
      ? ' The OpenBLAS runtime library is missing (Debian/Ubuntu: apt-get install -y libopenblas0).'
      : '';
    throw new BackendError(
      `the native addon at ${path} failed to load: ${why}.${blas} Rebuilding it may help: \`${buildCommand()}\`.`,
    );
  }
}
