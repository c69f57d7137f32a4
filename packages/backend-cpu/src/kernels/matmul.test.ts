import { describe, expect, it } from 'vitest';
import { expectClose, put, randF32, run, testBackend } from '../test-utils.js';

function naiveBatched(
  a: Float32Array,
  b: Float32Array,
  tA: boolean,
  tB: boolean,
  batch: number,
  batchA: number,
  batchB: number,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const y = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = (batchA === 1 ? 0 : t) * m * k;
    const bo = (batchB === 1 ? 0 : t) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++)
          s +=
            (tA ? a[ao + p * m + i] : a[ao + i * k + p]) *
            (tB ? b[bo + j * k + p] : b[bo + p * n + j]);
        y[t * m * n + i * n + j] = s;
      }
  }
  return y;
}

describe('MatMul', () => {
  it('every transpose x batch-broadcast combination on odd sizes', () => {
    const be = testBackend();
    let seed = 1;
    for (const [m, n, k] of [
      [1, 1, 1],
      [3, 5, 7],
      [17, 1, 9],
      [1, 33, 4],
      [9, 13, 0],
      [0, 4, 3],
    ])
      for (const batch of [1, 3])
        for (const [batchA, batchB] of [
          [batch, batch],
          [1, batch],
          [batch, 1],
        ])
          for (const tA of [false, true])
            for (const tB of [false, true]) {
              const av = randF32(batchA * m * k, seed++);
              const bv = randF32(batchB * k * n, seed++);
              const a = put(be, av, tA ? [batchA, k, m] : [batchA, m, k]);
              const b = put(be, bv, tB ? [batchB, n, k] : [batchB, k, n]);
              const y = run(be, 'MatMul', {
                a,
                b,
                transposeA: tA,
                transposeB: tB,
                batch,
                batchA,
                batchB,
                m,
                n,
                k,
              });
              expect(y).toBeInstanceOf(Float32Array);
              expectClose(y, naiveBatched(av, bv, tA, tB, batch, batchA, batchB, m, n, k));
              be.disposeData(a.dataId);
              be.disposeData(b.dataId);
            }
    expect(be.memory().numBytes).toBe(0);
  });

  it('a larger shared right operand (stacked-batch path)', () => {
    const be = testBackend();
    const [batch, m, n, k] = [4, 37, 70, 300];
    const av = randF32(batch * m * k, 5);
    const bv = randF32(k * n, 6);
    for (const tB of [false, true]) {
      const a = put(be, av, [batch, m, k]);
      const b = put(be, bv, tB ? [n, k] : [k, n]);
      const y = run(be, 'MatMul', {
        a,
        b,
        transposeA: false,
        transposeB: tB,
        batch,
        batchA: batch,
        batchB: 1,
        m,
        n,
        k,
      });
      expectClose(y, naiveBatched(av, bv, false, tB, batch, batch, 1, m, n, k));
      be.disposeData(a.dataId);
      be.disposeData(b.dataId);
    }
  });
});
