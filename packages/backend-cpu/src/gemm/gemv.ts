/**
 * Matrix-vector products, for GEMMs with m = 1 or n = 1. The blocked path would pack a whole
 * operand to use it once and waste half of its 2-row register tile, so these run directly on
 * the caller's arrays (they are memory-bound either way). Sums are kept in float64.
 */

let acc = new Float64Array(1024);

function scratch(size: number): Float64Array {
  if (acc.length < size) acc = new Float64Array(Math.max(size, acc.length * 2));
  return acc;
}

function store(c: Float32Array, off: number, v: number, accumulate: boolean): void {
  if (accumulate) c[off] += v;
  else c[off] = v;
}

/**
 * Row vector times matrix: c[0, j] (+)= sum_p op(A)(0, p) * op(B)(p, j).
 * op(A)(0, p) = a[aOff + p * sa] where sa is lda when A is transposed (a column), else 1.
 */
export function rowTimesMatrix(
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  sa: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  transB: boolean,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (transB) {
    // Each output is a dot product of a with a contiguous row of b.
    for (let j = 0; j < n; j++) {
      const r = bOff + j * ldb;
      let s = 0.0;
      for (let p = 0; p < k; p++) s += a[aOff + p * sa] * b[r + p];
      store(c, cOff + j, s, accumulate);
    }
    return;
  }
  // axpy over the rows of b, accumulating a float64 row.
  const t = scratch(n);
  t.fill(0, 0, n);
  for (let p = 0; p < k; p++) {
    const ap = a[aOff + p * sa];
    const r = bOff + p * ldb;
    for (let j = 0; j < n; j++) t[j] += ap * b[r + j];
  }
  for (let j = 0; j < n; j++) store(c, cOff + j, t[j], accumulate);
}

/**
 * Matrix times column vector: c[i, 0] (+)= sum_p op(A)(i, p) * op(B)(p, 0), the column of c
 * having stride ldc. op(B)(p, 0) = b[bOff + p * sb].
 */
export function matrixTimesColumn(
  m: number,
  k: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  transA: boolean,
  b: Float32Array,
  bOff: number,
  sb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (!transA) {
    for (let i = 0; i < m; i++) {
      const r = aOff + i * lda;
      let s = 0.0;
      for (let p = 0; p < k; p++) s += a[r + p] * b[bOff + p * sb];
      store(c, cOff + i * ldc, s, accumulate);
    }
    return;
  }
  // A is stored transposed: op(A)(i, p) = a[p * lda + i]; walk rows of storage.
  const t = scratch(m);
  t.fill(0, 0, m);
  for (let p = 0; p < k; p++) {
    const bp = b[bOff + p * sb];
    const r = aOff + p * lda;
    for (let i = 0; i < m; i++) t[i] += a[r + i] * bp;
  }
  for (let i = 0; i < m; i++) store(c, cOff + i * ldc, t[i], accumulate);
}
