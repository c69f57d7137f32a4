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

/** The last register tile, row-major 2 x 3 (module-level: stores to it need no bounds checks). */
const TILE = new Float64Array(MR * NR);

/**
 * The register tile: TILE = sum over p of PA[:, at+p] (x) PB[bt+p, :].
 *
 * Deliberately branch-free after the loop. V8 compiles a branch that has never run as an
 * unconditional deoptimisation; for a function entered once per tile through on-stack
 * replacement, that deopt then repeats on every call (observed: the same code deoptimising
 * hundreds of times, the whole GEMM 10x slower). Edge and accumulate handling therefore live in
 * the caller, which runs once per block.
 */
function micro(at: number, bt: number, kc: number): void {
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
  TILE[0] = c00;
  TILE[1] = c01;
  TILE[2] = c02;
  TILE[3] = c10;
  TILE[4] = c11;
  TILE[5] = c12;
}

/** C[mr x nr] += TILE for a tile on the bottom or right edge. */
function addEdgeTile(c: Float32Array, off: number, ldc: number, mr: number, nr: number): void {
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[off + i * ldc + j] += TILE[i * NR + j];
  }
}

/**
 * C[m x n] (+)= op(A)[m x k] @ op(B)[k x n] on row-major strided views, all sizes >= 1.
 * With `accumulate` false, C is zeroed first (its old contents, maybe NaN, are never used).
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
  // Zeroing once keeps a single store path (C +=) in the hot loop.
  if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, bOff, ldb, transB, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, aOff, lda, transA, ic, mc, pc, kc);
        for (let jr = 0, bt = 0; jr < nc; jr += NR, bt += KC) {
          const nr = Math.min(NR, nc - jr);
          const col = cOff + jc + jr + ic * ldc;
          for (let ir = 0, at = 0; ir < mc; ir += MR, at += KC) {
            micro(at, bt, kc);
            const o = col + ir * ldc;
            if (nr === NR && ir + MR <= mc) {
              const r1 = o + ldc;
              c[o] += TILE[0];
              c[o + 1] += TILE[1];
              c[o + 2] += TILE[2];
              c[r1] += TILE[3];
              c[r1 + 1] += TILE[4];
              c[r1 + 2] += TILE[5];
            } else {
              addEdgeTile(c, o, ldc, Math.min(MR, mc - ir), nr);
            }
          }
        }
      }
    }
  }
}

/**
 * Run every branch of the packing and tile code once on tiny inputs, at load time, so each has
 * type feedback before TurboFan compiles it (see `micro`): a never-taken branch would otherwise
 * become a deopt that can repeat on every call. Costs a few microseconds.
 */
function seedFeedback(): void {
  const a = new Float32Array(12);
  const b = new Float32Array(12);
  const c = new Float32Array(16);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      // 3 x 4 x 2: an odd row count (mr = 1) and a 1-wide last panel (nr = 1).
      gemmBlocked(
        3,
        4,
        2,
        a,
        0,
        transA ? 3 : 2,
        transA,
        b,
        0,
        transB ? 2 : 4,
        transB,
        c,
        0,
        4,
        false,
      );
      // 2 x 5 x 2 accumulating: full tiles plus a 2-wide panel (nr = 2).
      gemmBlocked(
        2,
        5,
        2,
        a,
        0,
        transA ? 2 : 2,
        transA,
        b,
        0,
        transB ? 2 : 5,
        transB,
        c,
        0,
        5,
        true,
      );
    }
  }
}
seedFeedback();
