import { describe, expect, it } from 'vitest';
import { randF32, rng } from '../test-utils.js';
import { KC, MC, NC } from './blocked.js';
import { sgemm } from './sgemm.js';

/** Naive float64 triple loop on op(A), op(B) as stored with leading dimensions. */
function naive(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  lda: number,
  transA: boolean,
  b: Float32Array,
  ldb: number,
  transB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * lda + i] : a[i * lda + p];
        const bpj = transB ? b[j * ldb + p] : b[p * ldb + j];
        s += aip * bpj;
      }
      c[i * n + j] = s;
    }
  return c;
}

/** Max of |got - want| / (1 + |want|) over the m x n block of c at (cOff, ldc). */
function relErr(
  c: Float32Array,
  cOff: number,
  ldc: number,
  want: Float64Array,
  m: number,
  n: number,
): number {
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const got = c[cOff + i * ldc + j];
      const e = Math.abs(got - want[i * n + j]) / (1 + Math.abs(want[i * n + j]));
      if (!(e <= worst)) worst = e; // NaN sticks
    }
  return worst;
}

function check(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  seed: number,
): void {
  const a = randF32(m * k, seed);
  const b = randF32(k * n, seed + 1);
  const c = new Float32Array(m * n).fill(NaN); // overwrite mode must never read C
  sgemm({ m, n, k, a, b, c, transA, transB });
  const want = naive(m, n, k, a, transA ? m : k, transA, b, transB ? k : n, transB);
  const err = relErr(c, 0, n, want, m, n);
  expect(err, `m=${m} n=${n} k=${k} tA=${transA} tB=${transB}`).toBeLessThan(1e-5);
}

const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('sgemm', () => {
  it('matches a float64 triple loop on odd sizes, all transpose combinations', () => {
    const sizes = [1, 2, 3, 5, 17, 33, 65];
    let seed = 1;
    for (const m of sizes)
      for (const n of [1, 3, 4, 17, 65])
        for (const k of [1, 3, 17, 33])
          for (const [tA, tB] of flags) check(m, n, k, tA, tB, seed++);
  });

  it('crosses every blocking boundary (KC, MC, NC) with ragged edges', () => {
    for (const [tA, tB] of flags) check(MC + 3, 37, KC + 5, tA, tB, 10);
    check(5, NC + 7, 9, false, false, 11);
    check(5, NC + 7, 9, true, true, 12);
    check(2 * MC + 1, 7, 2 * KC + 3, false, true, 13);
  });

  it('matches on many random sizes', () => {
    const r = rng(99);
    for (let t = 0; t < 40; t++) {
      const m = 1 + Math.floor(r(0, 70));
      const n = 1 + Math.floor(r(0, 70));
      const k = 1 + Math.floor(r(0, 300));
      check(m, n, k, r() > 0, r() > 0, 100 + t);
    }
  });

  it('k = 0 gives zeros, m = 0 or n = 0 writes nothing', () => {
    const c = new Float32Array(6).fill(7);
    sgemm({ m: 2, n: 3, k: 0, a: new Float32Array(0), b: new Float32Array(0), c });
    expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
    const d = new Float32Array(4).fill(7);
    sgemm({
      m: 2,
      n: 2,
      k: 0,
      a: new Float32Array(0),
      b: new Float32Array(0),
      c: d,
      accumulate: true,
    });
    expect([...d]).toEqual([7, 7, 7, 7]);
    const e = new Float32Array(3).fill(7);
    sgemm({ m: 0, n: 3, k: 4, a: new Float32Array(0), b: new Float32Array(12), c: e });
    sgemm({ m: 3, n: 0, k: 4, a: new Float32Array(12), b: new Float32Array(0), c: e });
    expect([...e]).toEqual([7, 7, 7]);
  });

  it('honours offsets, leading dimensions and accumulate', () => {
    for (const [tA, tB] of flags) {
      const m = 19;
      const n = 23;
      const k = 41;
      const lda = (tA ? m : k) + 5;
      const ldb = (tB ? k : n) + 3;
      const ldc = n + 7;
      const aRows = tA ? k : m;
      const bRows = tB ? n : k;
      const a = randF32(8 + aRows * lda, 1);
      const b = randF32(4 + bRows * ldb, 2);
      const c0 = randF32(2 + m * ldc, 3);
      const c = c0.slice();
      sgemm({
        m,
        n,
        k,
        a,
        aOffset: 8,
        lda,
        transA: tA,
        b,
        bOffset: 4,
        ldb,
        transB: tB,
        c,
        cOffset: 2,
        ldc,
        accumulate: true,
      });
      const prod = naive(m, n, k, a.subarray(8), lda, tA, b.subarray(4), ldb, tB);
      const want = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) want[i * n + j] = prod[i * n + j] + c0[2 + i * ldc + j];
      expect(relErr(c, 2, ldc, want, m, n)).toBeLessThan(1e-5);
      // Padding columns between rows and the prefix must be untouched.
      for (let i = 0; i < m; i++)
        for (let j = n; j < ldc && 2 + i * ldc + j < c.length; j++)
          expect(c[2 + i * ldc + j]).toBe(c0[2 + i * ldc + j]);
      expect(c[0]).toBe(c0[0]);
      expect(c[1]).toBe(c0[1]);
    }
  });

  it('propagates NaN and Infinity like the plain sum', () => {
    const a = new Float32Array([1, NaN, 2, 3, 1, 0]); // 2 x 3
    const b = new Float32Array([1, 1, 0, 0, Infinity, 1]); // 3 x 2
    const c = new Float32Array(4);
    sgemm({ m: 2, n: 2, k: 3, a, b, c });
    expect(Number.isNaN(c[0])).toBe(true);
    expect(Number.isNaN(c[1])).toBe(true);
    expect(Number.isNaN(c[2])).toBe(true); // 0 * Infinity
    expect(c[3]).toBe(3);
  });
});
