/** Data movement: transpose, slice, pad, cast, fill, concat. No arithmetic, only copies. */
import type { DataId, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import { Odometer } from './broadcast.js';
import { sizeOf, type KernelArgs } from './types.js';

function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = step;
    step *= shape[d];
  }
  return s;
}

/** Copy n elements; `set` for long runs, a loop for short ones (a subarray view costs more). */
function copyRun(dst: TypedArray, dOff: number, src: TypedArray, sOff: number, n: number): void {
  if (n >= 64) dst.set(src.subarray(sOff, sOff + n), dOff);
  else for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i];
}

// ---- Transpose ----

export function transpose(store: CpuStorage, { x, perm }: KernelArgs<'Transpose'>): DataId {
  const xv = store.values(x);
  const y = store.alloc(x.dtype, xv.length);
  if (xv.length > 0) permuteInto(xv, x.shape, perm, y);
  return store.register(y);
}

/**
 * y = x with axes permuted. Size-1 axes are dropped and axes that stay adjacent and in order
 * are merged, so e.g. NCHW -> NHWC becomes a batched 2-D transpose [N, C, HW] -> [N, HW, C].
 */
export function permuteInto(
  x: TypedArray,
  shape: readonly number[],
  perm: readonly number[],
  y: TypedArray,
): void {
  // Input axes that matter, in input order, and the permutation restricted to them.
  const keep = shape.map((d) => d !== 1);
  const order = perm.filter((p) => keep[p]);
  // Merge runs of consecutive input axes that also appear consecutively in the output.
  const groups: number[][] = [];
  for (const p of order) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1] + 1 === p) g.push(p);
    else groups.push([p]);
  }
  // Reduced input shape: groups sorted by their first input axis.
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  const inShape = byInput.map((g) => g.reduce((n, p) => n * shape[p], 1));
  const inStrides = rowMajorStrides(inShape);
  const rank = groups.length;
  const outPerm = groups.map((g) => byInput.indexOf(g));
  if (rank <= 1 || outPerm.every((p, i) => p === i)) {
    y.set(x);
    return;
  }
  const outShape = outPerm.map((p) => inShape[p]);
  if (rank === 2) {
    transpose2d(x, 0, inShape[0], inShape[1], y, 0);
    return;
  }
  if (rank === 3 && outPerm[0] === 0 && outPerm[1] === 2 && outPerm[2] === 1) {
    const [b, r, c] = inShape;
    for (let t = 0; t < b; t++) transpose2d(x, t * r * c, r, c, y, t * r * c);
    return;
  }
  const strides = outPerm.map((p) => inStrides[p]);
  const inner = outShape[rank - 1];
  const step = strides[rank - 1];
  const od = new Odometer(outShape, [strides]);
  for (let r = 0, yo = 0; r < od.runs; r++, yo += inner) {
    for (let i = 0, xi = od.offsets[0]; i < inner; i++, xi += step) y[yo + i] = x[xi];
    od.next();
  }
}

/** [rows, cols] -> [cols, rows] in 32x32 tiles so reads and writes both stay in cache. */
function transpose2d(
  x: TypedArray,
  xOff: number,
  rows: number,
  cols: number,
  y: TypedArray,
  yOff: number,
): void {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) {
        const xr = xOff + i * cols;
        for (let j = j0; j < j1; j++) y[yOff + j * rows + i] = x[xr + j];
      }
    }
  }
}

// ---- Slice ----

export function slice(store: CpuStorage, { x, begin, size }: KernelArgs<'Slice'>): DataId {
  const xv = store.values(x);
  const n = sizeOf(size);
  const y = store.alloc(x.dtype, n);
  if (n > 0) {
    const rank = size.length;
    if (rank === 0) {
      y[0] = xv[0];
    } else {
      const strides = rowMajorStrides(x.shape);
      let start = 0;
      for (let d = 0; d < rank; d++) start += begin[d] * strides[d];
      const inner = size[rank - 1];
      const od = new Odometer(size, [strides]);
      for (let r = 0, yo = 0; r < od.runs; r++, yo += inner) {
        copyRun(y, yo, xv, start + od.offsets[0], inner);
        od.next();
      }
    }
  }
  return store.register(y);
}

// ---- Pad ----

export function pad(store: CpuStorage, { x, paddings, value }: KernelArgs<'Pad'>): DataId {
  const xv = store.values(x);
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const y = store.alloc(x.dtype, sizeOf(outShape));
  y.fill(value);
  const rank = x.shape.length;
  if (xv.length > 0) {
    if (rank === 0) {
      y[0] = xv[0];
    } else {
      const outStrides = rowMajorStrides(outShape);
      let start = 0;
      for (let d = 0; d < rank; d++) start += paddings[d][0] * outStrides[d];
      const inner = x.shape[rank - 1];
      const od = new Odometer(x.shape, [outStrides]);
      for (let r = 0, xo = 0; r < od.runs; r++, xo += inner) {
        copyRun(y, start + od.offsets[0], xv, xo, inner);
        od.next();
      }
    }
  }
  return store.register(y);
}

// ---- Cast / Fill ----

export function cast(store: CpuStorage, { x, dtype }: KernelArgs<'Cast'>): DataId {
  const xv = store.values(x);
  const y = store.alloc(dtype, xv.length);
  // TypedArray#set converts element-wise: float -> int32 is ToInt32 (truncates toward zero).
  y.set(xv);
  return store.register(y);
}

export function fill(store: CpuStorage, { shape, value, dtype }: KernelArgs<'Fill'>): DataId {
  const y = store.alloc(dtype, sizeOf(shape));
  y.fill(value);
  return store.register(y);
}

// ---- Concat ----

export function concat(store: CpuStorage, { xs, axis, outShape }: KernelArgs<'Concat'>): DataId {
  const y = store.alloc(xs[0].dtype, sizeOf(outShape));
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  const row = outer === 0 ? 0 : y.length / outer;
  let col = 0;
  for (const x of xs) {
    const xv = store.values(x);
    const chunk = outer === 0 ? 0 : xv.length / outer;
    if (chunk > 0) {
      for (let o = 0; o < outer; o++) copyRun(y, o * row + col, xv, o * chunk, chunk);
    }
    col += chunk;
  }
  return store.register(y);
}
