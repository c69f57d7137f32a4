/**
 * The packed, cache-blocked SGEMM core (GotoBLAS/BLIS loop structure):
 *
 *   for jc in N by NC:            B block  [KC x NC]  lives in L2/L3
 *     for pc in K by KC:          pack B block into NR-wide micro-panels
 *       for ic in M by MC:        pack A block [MC x KC] (L2) into MR-tall micro-panels
 *         for jr in NC by NR:     one B micro-panel [KC x NR] stays in L1 ...
 *           for ir in MC by MR:   ... while the MR x NR register tile runs over KC
 *
 * Why the micro-panels are struct-of-arrays in module-level Float64Arrays (this is what makes
 * the kernel fast in V8, measured on Node 20):
 * - each row of an A micro-panel and each column of a B micro-panel is its own array, so the
 *   kernel reads `PA0[p]`, `PA1[p]`, `PB0[q]`... with p the loop variable: TurboFan then emits a
 *   single bounds check per index for all arrays of the same length, and folds the loads into
 *   the multiplies. Interleaved panels (`PA[ai + 1]`) cost an add, a compare and a branch per load.
 * - module-level `const` arrays are constants to TurboFan: no map checks, no reloads of the
 *   data pointer inside the loop.
 * - Float64 panels need no float32->float64 conversion in the loop and accumulate in double.
 * - MR x NR = 2 x 3 keeps 6 accumulators + 6 products + loads within the 15 usable XMM
 *   registers; TurboFan schedules all products before the adds, so bigger tiles (4x4) spill
 *   and run slower (measured ~4 vs ~7 GFLOP/s).
 * The scratch is shared and reused by every call; JS is single-threaded, so no call overlaps.
 */

/** Rows of the register tile. */
export const MR = 2;
/** Columns of the register tile. */
export const NR = 3;
/** Depth of one packed block (a B micro-panel is KC*NR*8 = 6 KiB, fits L1). */
export const KC = 256;
/** Rows of one packed A block (MC*KC*8 = 256 KiB, fits L2). */
export const MC = 128;
/** Columns of one packed B block. */
export const NC = 1024;

const A_LEN = (MC / MR) * KC;
const B_LEN = Math.ceil(NC / NR) * KC;

// One array per micro-panel row (A) and column (B); panel t occupies [t*KC, t*KC + kc).
const PA0 = new Float64Array(A_LEN);
const PA1 = new Float64Array(A_LEN);
const PB0 = new Float64Array(B_LEN);
const PB1 = new Float64Array(B_LEN);
const PB2 = new Float64Array(B_LEN);

/**
 * Pack rows [i0, i0+mc) x depth [p0, p0+kc) of op(A) into PA0/PA1, zero-padding a last odd row.
 * op(A)(i, p) = transA ? a[aOff + p*lda + i] : a[aOff + i*lda + p].
 */
function packA(
  a: Float32Array,
  aOff: number,
  lda: number,
  transA: boolean,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
): void {
  for (let ir = 0, t = 0; ir < mc; ir += MR, t += KC) {
    const two = ir + 1 < mc;
    if (!transA) {
      const r0 = aOff + (i0 + ir) * lda + p0;
      for (let p = 0; p < kc; p++) PA0[t + p] = a[r0 + p];
      if (two) {
        const r1 = r0 + lda;
        for (let p = 0; p < kc; p++) PA1[t + p] = a[r1 + p];
      } else {
        PA1.fill(0, t, t + kc);
      }
    } else {
      let o = aOff + p0 * lda + i0 + ir;
      if (two) {
        for (let p = 0; p < kc; p++, o += lda) {
          PA0[t + p] = a[o];
          PA1[t + p] = a[o + 1];
        }
      } else {
        for (let p = 0; p < kc; p++, o += lda) PA0[t + p] = a[o];
        PA1.fill(0, t, t + kc);
      }
    }
  }
}

/**
 * Pack depth [p0, p0+kc) x columns [j0, j0+nc) of op(B) into PB0/PB1/PB2, zero-padding.
 * op(B)(p, j) = transB ? b[bOff + j*ldb + p] : b[bOff + p*ldb + j].
 */
function packB(
  b: Float32Array,
  bOff: number,
  ldb: number,
  transB: boolean,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
): void {
  for (let jr = 0, t = 0; jr < nc; jr += NR, t += KC) {
    const nr = Math.min(NR, nc - jr);
    if (!transB) {
      let o = bOff + p0 * ldb + j0 + jr;
      if (nr === NR) {
        for (let p = 0; p < kc; p++, o += ldb) {
          PB0[t + p] = b[o];
          PB1[t + p] = b[o + 1];
          PB2[t + p] = b[o + 2];
        }
      } else {
        for (let p = 0; p < kc; p++, o += ldb) {
          PB0[t + p] = b[o];
          PB1[t + p] = nr > 1 ? b[o + 1] : 0;
          PB2[t + p] = 0;
        }
      }
    } else {
      const c0 = bOff + (j0 + jr) * ldb + p0;
      for (let p = 0; p < kc; p++) PB0[t + p] = b[c0 + p];
      if (nr > 1) {
        const c1 = c0 + ldb;
        for (let p = 0; p < kc; p++) PB1[t + p] = b[c1 + p];
      } else {
        PB1.fill(0, t, t + kc);
      }
      if (nr > 2) {
        const c2 = c0 + 2 * ldb;
        for (let p = 0; p < kc; p++) PB2[t + p] = b[c2 + p];
      } else {
        PB2.fill(0, t, t + kc);
      }
    }
  }
}

/**
 * The register tile: C[2 x 3] (+)= sum over p of PA[:, at+p] * PB[bt+p, :].
 * `mr`/`nr` < MR/NR on the right and bottom edges; `overwrite` stores instead of adding.
 */
function micro(
  at: number,
  bt: number,
  kc: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  mr: number,
  nr: number,
  overwrite: boolean,
): void {
  let c00 = 0.0;
  let c01 = 0.0;
  let c02 = 0.0;
  let c10 = 0.0;
  let c11 = 0.0;
  let c12 = 0.0;
  const d = (bt - at) | 0;
  const end = (at + kc) | 0;
  for (let p = at | 0; p < end; p++) {
    const q = (p + d) | 0;
    const a0 = PA0[p];
    const a1 = PA1[p];
    const b0 = PB0[q];
    c00 += a0 * b0;
    c10 += a1 * b0;
    const b1 = PB1[q];
    c01 += a0 * b1;
    c11 += a1 * b1;
    const b2 = PB2[q];
    c02 += a0 * b2;
    c12 += a1 * b2;
  }
  if (mr === MR && nr === NR) {
    const r1 = cOff + ldc;
    if (overwrite) {
      c[cOff] = c00;
      c[cOff + 1] = c01;
      c[cOff + 2] = c02;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
    } else {
      c[cOff] += c00;
      c[cOff + 1] += c01;
      c[cOff + 2] += c02;
      c[r1] += c10;
      c[r1 + 1] += c11;
      c[r1 + 2] += c12;
    }
  } else {
    storeRow(c, cOff, nr, overwrite, c00, c01, c02);
    if (mr > 1) storeRow(c, cOff + ldc, nr, overwrite, c10, c11, c12);
  }
}

/** One partial row of a tile on the matrix edge (only the first `nr` columns exist). */
function storeRow(
  c: Float32Array,
  off: number,
  nr: number,
  overwrite: boolean,
  v0: number,
  v1: number,
  v2: number,
): void {
  if (overwrite) {
    c[off] = v0;
    if (nr > 1) c[off + 1] = v1;
    if (nr > 2) c[off + 2] = v2;
  } else {
    c[off] += v0;
    if (nr > 1) c[off + 1] += v1;
    if (nr > 2) c[off + 2] += v2;
  }
}

/**
 * C[m x n] (+)= op(A)[m x k] @ op(B)[k x n] on row-major strided views, all sizes >= 1.
 * `accumulate` false overwrites C (C's old contents are never read, so NaN garbage is fine).
 */
export function gemmBlocked(
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
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const overwrite = !accumulate && pc === 0;
      packB(b, bOff, ldb, transB, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, aOff, lda, transA, ic, mc, pc, kc);
        for (let jr = 0, bt = 0; jr < nc; jr += NR, bt += KC) {
          const nr = Math.min(NR, nc - jr);
          const col = cOff + jc + jr;
          for (let ir = 0, at = 0; ir < mc; ir += MR, at += KC) {
            micro(at, bt, kc, c, col + (ic + ir) * ldc, ldc, Math.min(MR, mc - ir), nr, overwrite);
          }
        }
      }
    }
  }
}
