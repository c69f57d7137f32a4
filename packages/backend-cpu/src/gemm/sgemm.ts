/**
 * Single-precision GEMM on row-major strided views:
 *
 *   C[m x n] = op(A) @ op(B)        (accumulate: C += op(A) @ op(B))
 *
 * op(A) is A, or A^T when `transA` (then A is stored k x m). Transposes are handled while
 * packing, never by materialising a transposed copy. Entry point for every matrix product in
 * this backend (MatMul, conv forward and both conv backprops).
 */
import { gemmBlocked } from './blocked.js';
import { matrixTimesColumn, rowTimesMatrix } from './gemv.js';
import { parallelGemm } from './parallel.js';

export interface GemmCall {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: Float32Array;
  /** First element of A (default 0). */
  readonly aOffset?: number;
  /** Row stride of A as stored (default: k, or m when transA). */
  readonly lda?: number;
  readonly transA?: boolean;
  readonly b: Float32Array;
  readonly bOffset?: number;
  /** Row stride of B as stored (default: n, or k when transB). */
  readonly ldb?: number;
  readonly transB?: boolean;
  readonly c: Float32Array;
  readonly cOffset?: number;
  /** Row stride of C (default n). */
  readonly ldc?: number;
  /** Add into C instead of overwriting it (default false). */
  readonly accumulate?: boolean;
}

export function sgemm(call: GemmCall): void {
  const { m, n, k, a, b, c } = call;
  const transA = call.transA ?? false;
  const transB = call.transB ?? false;
  const aOff = call.aOffset ?? 0;
  const bOff = call.bOffset ?? 0;
  const cOff = call.cOffset ?? 0;
  const lda = call.lda ?? (transA ? m : k);
  const ldb = call.ldb ?? (transB ? k : n);
  const ldc = call.ldc ?? n;
  const accumulate = call.accumulate ?? false;
  sgemmStrided(m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, accumulate);
}

/** The same as `sgemm` with positional arguments (no options object on hot paths). */
export function sgemmStrided(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  transA: boolean,
  b: Float32Array,
  bOff: number,
  ldb: number,
  transB: boolean,
  c: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    // An empty sum: C = 0 (or unchanged when accumulating).
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    return;
  }
  if (m === 1) {
    rowTimesMatrix(n, k, a, aOff, transA ? lda : 1, b, bOff, ldb, transB, c, cOff, accumulate);
    return;
  }
  if (n === 1) {
    matrixTimesColumn(
      m,
      k,
      a,
      aOff,
      lda,
      transA,
      b,
      bOff,
      transB ? 1 : ldb,
      c,
      cOff,
      ldc,
      accumulate,
    );
    return;
  }
  // Large products go to the worker pool when one is running (opt-in); otherwise, or when the
  // pool declines (too small, still starting), this thread does all the work.
  if (parallelGemm(m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, accumulate))
    return;
  gemmBlocked(m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, accumulate);
}
