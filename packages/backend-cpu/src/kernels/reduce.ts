/**
 * Reductions of the middle axis of x viewed as [outer, size, inner] -> [outer, inner].
 * sum accumulates in float64; max/min follow Math.max/min (a NaN wins); argmax returns int32
 * and keeps the first maximum, a NaN counting as the maximum.
 */
import type { DataId, ReduceOp, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

let rowScratch = new Float64Array(256);

function scratch(size: number): Float64Array {
  if (rowScratch.length < size)
    rowScratch = new Float64Array(Math.max(size, rowScratch.length * 2));
  return rowScratch;
}

export function reduce(
  store: CpuStorage,
  { op, x, outer, size, inner }: KernelArgs<'Reduce'>,
): DataId {
  const xv = store.values(x);
  const y = op === 'argmax' ? store.i32(outer * inner) : store.alloc(x.dtype, outer * inner);
  if (inner === 1) reduceRows(op, xv, y, outer, size);
  else reduceStrided(op, xv, y, outer, size, inner);
  return store.register(y);
}

/** inner === 1: each output is a contiguous row of `size` values. */
function reduceRows(op: ReduceOp, x: TypedArray, y: TypedArray, outer: number, size: number): void {
  for (let o = 0, s = 0; o < outer; o++, s += size) {
    const end = s + size;
    let acc = x[s];
    switch (op) {
      case 'sum':
        for (let i = s + 1; i < end; i++) acc += x[i];
        break;
      case 'max':
        for (let i = s + 1; i < end; i++) acc = Math.max(acc, x[i]);
        break;
      case 'min':
        for (let i = s + 1; i < end; i++) acc = Math.min(acc, x[i]);
        break;
      case 'argmax': {
        let best = 0;
        for (let i = s + 1; i < end; i++) {
          const v = x[i];
          if (v > acc || (v !== v && acc === acc)) {
            acc = v;
            best = i - s;
          }
        }
        acc = best;
        break;
      }
    }
    y[o] = acc;
  }
}

/**
 * inner > 1: walk x in memory order, folding each [inner] slice into an accumulator row, so
 * every read is sequential (a strided column walk would miss cache on every element).
 */
function reduceStrided(
  op: ReduceOp,
  x: TypedArray,
  y: TypedArray,
  outer: number,
  size: number,
  inner: number,
): void {
  const acc = scratch(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) acc[i] = x[base + i];
    const yo = o * inner;
    if (op === 'argmax') for (let i = 0; i < inner; i++) y[yo + i] = 0;
    for (let s = 1; s < size; s++) {
      const r = base + s * inner;
      switch (op) {
        case 'sum':
          for (let i = 0; i < inner; i++) acc[i] += x[r + i];
          break;
        case 'max':
          for (let i = 0; i < inner; i++) acc[i] = Math.max(acc[i], x[r + i]);
          break;
        case 'min':
          for (let i = 0; i < inner; i++) acc[i] = Math.min(acc[i], x[r + i]);
          break;
        case 'argmax':
          for (let i = 0; i < inner; i++) {
            const v = x[r + i];
            const a = acc[i];
            if (v > a || (v !== v && a === a)) {
              acc[i] = v;
              y[yo + i] = s;
            }
          }
          break;
      }
    }
    if (op !== 'argmax') for (let i = 0; i < inner; i++) y[yo + i] = acc[i];
  }
}
