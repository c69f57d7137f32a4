import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  findBackend,
  listBackends,
  registerBackend,
  removeBackendInstance,
  type Backend,
  type TensorInfo,
} from '@tessera/core';
import { openBackend, tensor, values } from './test/harness.js';
import { WebGPUBackend, createWebGPUBackend } from './backend.js';

const be = await openBackend();
afterAll(() => be?.destroy());

const info = (dataId: object, shape: number[]): TensorInfo => ({ dataId, shape, dtype: 'float32' });

describe.skipIf(!be)('WebGPU backend storage and device handling', () => {
  const b = be!;

  it('names its adapter and explains why there is no synchronous read', () => {
    expect(b.adapterDescription.length).toBeGreaterThan(0);
    expect((b as Backend).readSync).toBeUndefined();
    expect(b.readSyncUnsupportedReason).toContain('await t.data()');
  });

  it('a buffer disposed while a pending command still reads it is not overwritten by a later write', async () => {
    const x = b.write(new Float32Array([1, 2, 3, 4]), [4], 'float32');
    const y = b.kernels.Unary({ op: 'neg', x: info(x, [4]) });
    b.disposeData(x);
    // Same size bucket: a careless pool would hand x's buffer to this write before y runs.
    const z = b.write(new Float32Array([9, 9, 9, 9]), [4], 'float32');
    expect(await values(b, y)).toEqual([-1, -2, -3, -4]);
    expect(await values(b, z)).toEqual([9, 9, 9, 9]);
  });

  it('kernels reuse a buffer released earlier in the same batch, in order', async () => {
    const x = b.write(new Float32Array([1, 2, 3, 4]), [4], 'float32');
    const y = b.kernels.Unary({ op: 'neg', x: info(x, [4]) });
    b.disposeData(x);
    const z = b.kernels.Unary({ op: 'square', x: info(y, [4]) });
    const w = b.kernels.Binary({ op: 'add', a: info(y, [4]), b: info(z, [4]), outShape: [4] });
    expect(await values(b, w)).toEqual([0, 2, 6, 12]);
    expect(await values(b, y)).toEqual([-1, -2, -3, -4]);
    expect(await values(b, z)).toEqual([1, 4, 9, 16]);
  });

  it('memory() counts live GPU bytes; dispose pools them; trim() frees the pool', async () => {
    b.trim();
    const before = b.memory();
    const ids = [1000, 5000, 64].map((n) => b.write(new Float32Array(n), [n], 'float32'));
    const during = b.memory();
    expect(during.numBuffers - before.numBuffers).toBe(3);
    expect(during.numBytes - before.numBytes).toBeGreaterThanOrEqual((1000 + 5000 + 64) * 4);
    for (const id of ids) b.disposeData(id);
    const after = b.memory();
    expect(after.numBuffers).toBe(before.numBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.pooledBytes! - (before.pooledBytes ?? 0)).toBe(during.numBytes - before.numBytes);
    // Reuse: the same sizes again allocate nothing new.
    const again = [1000, 5000, 64].map((n) => b.write(new Float32Array(n), [n], 'float32'));
    expect(b.memory().pooledBytes).toBe(before.pooledBytes ?? 0);
    for (const id of again) b.disposeData(id);
    b.trim();
    expect(b.memory().pooledBytes).toBe(0);
  });

  it('batches dispatches into few submissions', async () => {
    const start = b.ctx.stats.submissions;
    let x = b.write(new Float32Array([1, 2]), [2], 'float32');
    for (let i = 0; i < 20; i++) {
      const y = b.kernels.Unary({ op: 'neg', x: info(x, [2]) });
      b.disposeData(x);
      x = y;
    }
    expect(b.ctx.stats.submissions).toBe(start);
    expect(await values(b, x)).toEqual([1, 2]);
    expect(b.ctx.stats.submissions).toBe(start + 1);
  });

  it('reuses pipelines across shapes', async () => {
    const compiled = () => b.ctx.stats.pipelines;
    await values(b, b.kernels.Unary({ op: 'exp', x: tensor(b, [1, 2], [2]) }));
    const n = compiled();
    await values(b, b.kernels.Unary({ op: 'exp', x: tensor(b, new Array(999).fill(0), [999]) }));
    expect(compiled()).toBe(n);
  });

  it('reports device loss with a reason and how to re-initialise', async () => {
    let reported: string | undefined;
    const lost = await createWebGPUBackend({ onDeviceLost: (m) => (reported = m) });
    const x = lost.write(new Float32Array([1]), [1], 'float32');
    // Destroying the device behind the backend's back is what a real loss looks like to it.
    lost.ctx.device.destroy();
    await lost.ctx.device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(reported).toBeDefined();
    expect(() => lost.kernels.Unary({ op: 'neg', x: info(x, [1]) })).toThrow(BackendError);
    expect(() => lost.kernels.Unary({ op: 'neg', x: info(x, [1]) })).toThrow(
      /lost.*setBackend\('webgpu'\)/,
    );
    lost.destroy();
  });

  it('after a device loss the registry can re-initialise the backend', async () => {
    let lost: WebGPUBackend | undefined;
    registerBackend(
      'webgpu-reinit',
      async () => (lost = await createWebGPUBackend({ onDeviceLost: () => {} })),
    );
    const first = await findBackend('webgpu-reinit');
    lost!.ctx.device.destroy();
    await lost!.ctx.device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(() => first.write(new Float32Array(1), [1], 'float32')).toThrow(/lost/);
    removeBackendInstance('webgpu-reinit');
    const second = await findBackend('webgpu-reinit');
    expect(second).not.toBe(first);
    const x = second.write(new Float32Array([2, 3]), [2], 'float32');
    const y = second.kernels.Unary({ op: 'square', x: info(x, [2]) });
    expect(Array.from(await second.read(y))).toEqual([4, 9]);
    removeBackendInstance('webgpu-reinit');
  });

  it('rejects a GEMM tuning the device cannot run, naming the option', async () => {
    await expect(
      createWebGPUBackend({ tuning: { gemmTile: { WX: 64, WY: 64, RM: 1, RN: 1, TK: 1 } } }),
    ).rejects.toThrow(/tuning\.gemmTile.*4096 exceeds/);
  });

  it('a destroyed backend refuses work with a clear error', async () => {
    const other = await createWebGPUBackend();
    other.destroy();
    expect(() => other.write(new Float32Array(1), [1], 'float32')).toThrow(/destroyed/);
  });
});

describe.skipIf(!be)('registration', () => {
  it("importing the package registers 'webgpu' with priority 3 and it initialises", async () => {
    await import('./index.js');
    const entry = (await listBackends({ probe: false })).find((s) => s.name === 'webgpu');
    expect(entry?.priority).toBe(3);
    const backend = await findBackend('webgpu');
    expect(backend).toBeInstanceOf(WebGPUBackend);
    removeBackendInstance('webgpu');
  });
});
