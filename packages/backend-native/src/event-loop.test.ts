/**
 * Kernels return at once and run on the addon's worker thread: while a long GEMM computes, a JS
 * timer keeps firing, and `read` resolves when the work is done.
 */
import type { DataId } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { input, native, randomValues, skipNative } from './test/setup.js';

describe.skipIf(skipNative)('event loop', () => {
  it('is not blocked while large matmuls run', async () => {
    const b = native();
    const n = 1024;
    const a = input(randomValues(n * n, 3), [1, n, n]);
    const args = {
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
    };
    const warm = b.kernels.MatMul(args);
    await b.read(warm);
    b.disposeData(warm);

    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 2);
    const t0 = performance.now();
    const ids: DataId[] = [];
    for (let i = 0; i < 6; i++) ids.push(b.kernels.MatMul(args));
    const enqueueMs = performance.now() - t0;
    const last = await b.read(ids[ids.length - 1]);
    const totalMs = performance.now() - t0;
    clearInterval(timer);

    expect(last.length).toBe(n * n);
    expect(enqueueMs).toBeLessThan(Math.max(20, totalMs / 10)); // queuing is not computing
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    const maxGap = Math.max(0, ...gaps);
    console.log(
      `6 x sgemm n=${n}: queued in ${enqueueMs.toFixed(2)} ms, done in ${totalMs.toFixed(0)} ms, ${ticks.length} timer ticks, max gap ${maxGap.toFixed(1)} ms`,
    );
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(maxGap).toBeLessThan(totalMs / 2);
    for (const id of [a.dataId, ...ids]) b.disposeData(id);
  });
});
