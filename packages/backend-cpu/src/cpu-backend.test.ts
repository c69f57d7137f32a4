import {
  BackendError,
  getBackend,
  listBackends,
  removeBackendInstance,
  setBackend,
} from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend, createCpuBackend } from './index.js';
import { put, run } from './test-utils.js';

describe('CpuBackend storage', () => {
  it('is named cpu and registers itself on import with priority 1', async () => {
    const list = await listBackends({ probe: false });
    const cpu = list.find((s) => s.name === 'cpu');
    expect(cpu?.priority).toBe(1);
    const b = await setBackend('cpu');
    expect(b).toBeInstanceOf(CpuBackend);
    expect(getBackend().name).toBe('cpu');
    removeBackendInstance('cpu');
  });

  it('write copies, read and readSync return copies the caller may keep', async () => {
    const b = createCpuBackend();
    const src = new Float32Array([1, 2, 3, 4]);
    const id = b.write(src, [2, 2], 'float32');
    src[0] = 99; // the backend took a copy
    const r1 = b.readSync(id);
    expect([...r1]).toEqual([1, 2, 3, 4]);
    r1[1] = -5; // mutating a read does not reach the buffer
    const r2 = await b.read(id);
    expect(r2).toBeInstanceOf(Float32Array);
    expect([...r2]).toEqual([1, 2, 3, 4]);
    b.disposeData(id);
    // The pooled buffer is handed out again; the earlier reads are unaffected.
    const id2 = b.write(new Float32Array([5, 6, 7, 8]), [4], 'float32');
    expect([...r2]).toEqual([1, 2, 3, 4]);
    b.disposeData(id2);
  });

  it('stores int32 and converts host values to the dtype', () => {
    const b = createCpuBackend();
    const id = b.write(new Float32Array([1.9, -1.9, 3]), [3], 'int32');
    const out = b.readSync(id);
    expect(out).toBeInstanceOf(Int32Array);
    expect([...out]).toEqual([1, -1, 3]);
    b.disposeData(id);
  });

  it('rejects a write whose values do not fill the shape', () => {
    const b = createCpuBackend();
    expect(() => b.write(new Float32Array(3), [2, 2], 'float32')).toThrow(BackendError);
  });

  it('counts live bytes exactly and returns to zero after dispose', () => {
    const b = createCpuBackend();
    expect(b.memory()).toEqual({ numBytes: 0, numBuffers: 0, pooledBytes: 0 });
    const a = b.write(new Float32Array(10), [10], 'float32');
    const i = b.write(new Int32Array(3), [3], 'int32');
    expect(b.memory().numBytes).toBe(52);
    expect(b.memory().numBuffers).toBe(2);
    // Kernel outputs count too.
    const y = b.kernels.Unary({ op: 'neg', x: { dataId: a, shape: [10], dtype: 'float32' } });
    expect(b.memory().numBytes).toBe(92);
    b.disposeData(a);
    b.disposeData(i);
    b.disposeData(y);
    b.disposeData(y); // disposing twice is harmless
    expect(b.memory().numBytes).toBe(0);
    expect(b.memory().numBuffers).toBe(0);
    expect(b.memory().pooledBytes).toBe(92);
    b.trim();
    expect(b.memory().pooledBytes).toBe(0);
  });

  it('reuses pooled buffers of the exact size and bounds the pool', () => {
    const b = new CpuBackend({ poolBytes: 100 });
    const a = b.write(new Float32Array(20), [20], 'float32'); // 80 bytes
    const arrayA = b.storage.get(a);
    b.disposeData(a);
    expect(b.memory().pooledBytes).toBe(80);
    const c = b.write(new Float32Array(20), [20], 'float32');
    expect(b.storage.get(c)).toBe(arrayA); // same memory, no fresh allocation
    expect(b.memory().pooledBytes).toBe(0);
    const d = b.write(new Float32Array(10), [10], 'float32'); // 40 bytes
    b.disposeData(c);
    b.disposeData(d); // 80 + 40 > 100: not kept
    expect(b.memory().pooledBytes).toBe(80);
    const e = b.write(new Int32Array(20), [20], 'int32'); // int32 never reuses a float32 buffer
    expect(b.storage.get(e)).toBeInstanceOf(Int32Array);
    b.disposeData(e);
  });

  it('a disposed or foreign DataId is a clear BackendError', () => {
    const b = createCpuBackend();
    const id = b.write(new Float32Array(2), [2], 'float32');
    b.disposeData(id);
    expect(() => b.readSync(id)).toThrow(BackendError);
    expect(() => b.readSync({})).toThrow(/not a live buffer/);
    expect(() =>
      run(b, 'Unary', { op: 'neg', x: { dataId: id, shape: [2], dtype: 'float32' } }),
    ).toThrow(BackendError);
  });

  it('implements every required and optional kernel', async () => {
    const core = await import('@tessera/core');
    const b = createCpuBackend();
    for (const k of [...core.REQUIRED_KERNELS, ...core.OPTIONAL_KERNELS]) {
      expect(typeof b.kernels[k], k).toBe('function');
    }
  });

  it('size-0 tensors round-trip', () => {
    const b = createCpuBackend();
    const x = put(b, new Float32Array(0), [0, 3]);
    expect(run(b, 'Unary', { op: 'exp', x }).length).toBe(0);
    b.disposeData(x.dataId);
    expect(b.memory().numBytes).toBe(0);
  });
});
