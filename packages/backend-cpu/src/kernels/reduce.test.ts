import type { ReduceOp } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { expectClose, put, randF32, randI32, run, testBackend } from '../test-utils.js';

function naiveReduce(
  op: ReduceOp,
  x: ArrayLike<number>,
  outer: number,
  size: number,
  inner: number,
): Float64Array {
  const y = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const vals: number[] = [];
      for (let s = 0; s < size; s++) vals.push(x[(o * size + s) * inner + i]);
      if (op === 'sum') y[o * inner + i] = vals.reduce((a, b) => a + b, 0);
      else if (op === 'max') y[o * inner + i] = vals.some(Number.isNaN) ? NaN : Math.max(...vals);
      else if (op === 'min') y[o * inner + i] = vals.some(Number.isNaN) ? NaN : Math.min(...vals);
      else {
        const firstNaN = vals.findIndex(Number.isNaN);
        y[o * inner + i] = firstNaN >= 0 ? firstNaN : vals.indexOf(Math.max(...vals));
      }
    }
  return y;
}

const ops: ReduceOp[] = ['sum', 'max', 'min', 'argmax'];
const layouts: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [5, 3, 1],
  [1, 4, 6],
  [3, 5, 7],
  [2, 1, 9],
  [0, 3, 2],
  [4, 2, 0],
];

describe('Reduce', () => {
  it.each(ops)('%s over [outer, size, inner] layouts', (op) => {
    const b = testBackend();
    let seed = 3;
    for (const [outer, size, inner] of layouts) {
      const v = randF32(outer * size * inner, seed++);
      const x = put(b, v, [outer, size, inner]);
      const y = run(b, 'Reduce', { op, x, outer, size, inner });
      expect(y).toBeInstanceOf(op === 'argmax' ? Int32Array : Float32Array);
      expectClose(y, naiveReduce(op, v, outer, size, inner));
      b.disposeData(x.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('argmax keeps the first maximum and counts NaN as the maximum', () => {
    const b = testBackend();
    const v = new Float32Array([1, 3, 3, 2, /* row 2 */ 0, NaN, 5, NaN]);
    for (const [outer, size, inner, data] of [
      [2, 4, 1, v],
      // Same rows laid out column-wise: [1, 4, 2]
      [1, 4, 2, new Float32Array([1, 0, 3, NaN, 3, 5, 2, NaN])],
    ] as const) {
      const x = put(b, data, [outer, size, inner]);
      expect([...run(b, 'Reduce', { op: 'argmax', x, outer, size, inner })]).toEqual([1, 1]);
      const mx = run(b, 'Reduce', { op: 'max', x, outer, size, inner });
      expect(mx[0]).toBe(3);
      expect(Number.isNaN(mx[1])).toBe(true);
    }
  });

  it('sums int32 as int32 and keeps float32 sums accurate (float64 accumulator)', () => {
    const b = testBackend();
    const iv = randI32(30, 1, -1000, 1000);
    const xi = put(b, iv, [3, 10]);
    const yi = run(b, 'Reduce', { op: 'sum', x: xi, outer: 3, size: 10, inner: 1 });
    expect(yi).toBeInstanceOf(Int32Array);
    expectClose(yi, naiveReduce('sum', iv, 3, 10, 1), 0);
    // 1 + 2^24 * 1e-? : many small values after a large one
    const n = 4097;
    const fv = new Float32Array(n).fill(1);
    fv[0] = 16777216; // 2^24: float32 accumulation would stall here
    const xf = put(b, fv, [n]);
    const s = run(b, 'Reduce', { op: 'sum', x: xf, outer: 1, size: n, inner: 1 });
    expect(s[0]).toBe(16777216 + 4096);
  });
});
