/**
 * Storage accounting: memory() is exact and returns to zero after dispose; a disposed buffer is a
 * clear error; disposing inputs of queued work is safe (they live until the work has run).
 */
import {
  BackendError,
  matmul,
  memory,
  setBackend,
  tensor,
  tidy,
  registerBackend,
  type DataId,
} from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend } from './native-backend.js';
import { input, native, randomValues, skipNative } from './test/setup.js';

describe.skipIf(skipNative)('native memory', () => {
  it('counts exact bytes and buffers, and returns to zero after dispose', () => {
    const b = native();
    b.addon.waitIdle();
    expect(b.memory().numBytes).toBe(0);
    expect(b.memory().numBuffers).toBe(0);
    const x = input(randomValues(6, 1), [2, 3]);
    const y = input([1, 2, 3], [3], 'int32');
    const z = b.kernels.Binary({ op: 'add', a: x, b: x, outShape: [2, 3] });
    const s = b.kernels.Reduce({ op: 'sum', x, outer: 1, size: 6, inner: 1 });
    expect(b.memory().numBytes).toBe(4 * (6 + 3 + 6 + 1));
    expect(b.memory().numBuffers).toBe(4);
    for (const id of [x.dataId, y.dataId, z, s]) b.disposeData(id);
    expect(b.memory().numBytes).toBe(0);
    expect(b.memory().numBuffers).toBe(0);
    expect(b.memory().pooledBytes).toBeGreaterThan(0); // blocks kept for reuse
    b.trim();
    b.addon.waitIdle();
    expect(b.memory().pooledBytes).toBe(0);
    expect(b.memory().scratchBytes).toBe(0);
  });

  it('waitIdle returns only after queued work has run and released its inputs', () => {
    // Regression: the worker marked the queue empty before marking itself busy, so a waiting
    // thread could slip through in between and return while the command was still running.
    const b = native();
    const n = 96;
    for (let i = 0; i < 3000; i++) {
      const a = b.addon.write(randomValues(n * n, i), [n, n], 'float32');
      const out = b.addon.matmul(a, a, false, false, 1, 1, 1, n, n, n);
      b.addon.dispose(a); // still read by the queued matmul: pending until it has run
      b.addon.waitIdle();
      const m = b.addon.memory();
      b.addon.dispose(out);
      if (m.pendingBytes !== 0)
        expect.fail(`iteration ${i}: ${m.pendingBytes} bytes still pending`);
    }
  });

  it('JS runs at most 64 commands ahead of the worker, so unread results cannot pile up', () => {
    const b = native();
    const n = 256; // about 0.3 ms per product: submitting is much faster than computing
    const a = b.addon.write(randomValues(n * n, 7), [n, n], 'float32');
    let mostPending = 0;
    for (let i = 0; i < 300; i++) {
      b.addon.dispose(b.addon.matmul(a, a, false, false, 1, 1, 1, n, n, n));
      mostPending = Math.max(mostPending, b.addon.memory().pendingBytes);
    }
    b.addon.waitIdle();
    b.addon.dispose(a);
    // Each disposed output stays pending until its command has run: at most the queue's 64, plus
    // the one running.
    expect(mostPending).toBeLessThanOrEqual(65 * n * n * 4);
    expect(b.addon.memory().pendingBytes).toBe(0);
  });

  it('a disposed or foreign DataId is a BackendError, never garbage', () => {
    const b = native();
    const x = input([1, 2], [2]);
    b.disposeData(x.dataId);
    expect(() => b.readSync(x.dataId)).toThrow(BackendError);
    expect(() => b.readSync(x.dataId)).toThrow(/not live/);
    expect(() => b.disposeData(x.dataId)).toThrow(BackendError);
    expect(() => b.kernels.Unary({ op: 'neg', x })).toThrow(/not live/);
    expect(() => b.readSync({} as DataId)).toThrow(/not a buffer of the native backend/);
    return expect(b.read(x.dataId)).rejects.toThrow(BackendError);
  });

  it('inputs disposed while their consumer is queued stay alive until it has run', async () => {
    const b = native();
    const n = 384;
    const av = randomValues(n * n, 2);
    const a = input(av, [1, n, n]);
    const ids: DataId[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        b.kernels.MatMul({
          a,
          b: a,
          transposeA: false,
          transposeB: false,
          batch: 1,
          batchA: 1,
          batchB: 1,
          m: n,
          n,
          k: n,
        }),
      );
    b.disposeData(a.dataId); // the queued GEMMs still read it
    expect(b.memory().numBuffers).toBe(4);
    const outs = await Promise.all(ids.map((id) => b.read(id)));
    let want = 0;
    for (let p = 0; p < n; p++) want += av[p] * av[p * n];
    for (const o of outs) expect(o[0]).toBeCloseTo(want, 3);
    for (const id of ids) b.disposeData(id);
    await b.whenIdle();
    expect(b.memory()).toMatchObject({ numBytes: 0, numBuffers: 0, pendingBytes: 0 });
  });

  it('destroy() frees what the backend still holds and makes it unusable', () => {
    const b = new NativeBackend(native().addon, native().numThreads, 'native-destroy');
    const x = input([1, 2, 3], [3], 'float32', b);
    b.kernels.Unary({ op: 'neg', x });
    expect(b.memory().numBuffers).toBe(2);
    b.destroy();
    expect(b.memory().numBuffers).toBe(0);
    expect(() => b.readSync(x.dataId)).toThrow(/destroyed/);
    expect(() => b.write(new Float32Array(1), [1], 'float32')).toThrow(BackendError);
  });

  it("core's memory() sees the same bytes as the backend", async () => {
    registerBackend('native-memory-test', () => native(), { priority: -1 });
    await setBackend('native-memory-test');
    const before = memory().numBytes;
    const kept = tidy(() =>
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([[5], [6]]),
      ),
    );
    expect(memory().numBytes - before).toBe(8);
    expect(native().memory().numBytes).toBe(memory().backends['native']?.numBytes);
    expect(Array.from(await kept.data())).toEqual([17, 39]);
    kept.dispose();
    expect(native().memory().numBytes).toBe(0);
  });
});
