/**
 * Importing the package registers 'native' above 'cpu'; when the addon cannot load, the registry
 * reports it unavailable with what is missing and the command that builds it.
 */
import { BackendError, listBackends, registerBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import './index.js';
import {
  buildCommand,
  defaultBlasEnvironment,
  loadAddon,
  OPENBLAS_THREAD_TIMEOUT_DEFAULT,
} from './loader.js';
import { threadsFromEnv } from './native-backend.js';
import { skipNative } from './test/setup.js';

describe('registration', () => {
  it.skipIf(skipNative)("registers 'native' with priority 2, available when built", async () => {
    const native = (await listBackends()).find((s) => s.name === 'native');
    expect(native).toMatchObject({ priority: 2, available: true });
  });

  it("shortens OpenBLAS's idle spin unless the user chose a value", () => {
    const fresh: NodeJS.ProcessEnv = {};
    defaultBlasEnvironment(fresh);
    expect(fresh.OPENBLAS_THREAD_TIMEOUT).toBe(OPENBLAS_THREAD_TIMEOUT_DEFAULT);
    const chosen: NodeJS.ProcessEnv = { OPENBLAS_THREAD_TIMEOUT: '26' };
    defaultBlasEnvironment(chosen);
    expect(chosen.OPENBLAS_THREAD_TIMEOUT).toBe('26');
    const oldName: NodeJS.ProcessEnv = { GOTO_THREAD_TIMEOUT: '20' };
    defaultBlasEnvironment(oldName);
    expect(oldName.OPENBLAS_THREAD_TIMEOUT).toBeUndefined();
  });

  it('a missing addon is reported with the path and the build command', async () => {
    expect(() => loadAddon('/nonexistent/build/Release/tessera_native.node')).toThrow(BackendError);
    registerBackend('native-unbuilt', () => {
      loadAddon('/nonexistent/build/Release/tessera_native.node');
      throw new Error('unreachable');
    });
    const s = (await listBackends()).find((b) => b.name === 'native-unbuilt');
    expect(s?.available).toBe(false);
    expect(s?.reason).toContain('/nonexistent/build/Release/tessera_native.node is missing');
    expect(s?.reason).toContain(buildCommand());
    expect(buildCommand()).toBe('pnpm --filter @tessera/backend-native build:native');
  });

  it('TESSERA_NUM_THREADS must be a positive integer', () => {
    expect(threadsFromEnv({ TESSERA_NUM_THREADS: '3' })).toBe(3);
    expect(threadsFromEnv({})).toBeGreaterThanOrEqual(1);
    expect(() => threadsFromEnv({ TESSERA_NUM_THREADS: 'many' })).toThrow(/TESSERA_NUM_THREADS/);
    expect(() => threadsFromEnv({ TESSERA_NUM_THREADS: '0' })).toThrow(BackendError);
  });
});
