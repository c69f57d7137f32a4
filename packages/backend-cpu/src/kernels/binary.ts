/**
 * Elementwise binary ops with NumPy broadcasting. `greater`/`equal` return float32 0/1; the
 * others keep a's dtype (int32 results truncate on store; int32 `mul` wraps via Math.imul).
 * The broadcast plan turns same-shape, scalar and row/bias patterns into long contiguous runs.
 */
import type { BinaryOp, DataId, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import { Odometer, planBroadcast } from './broadcast.js';
import { sizeOf, type KernelArgs } from './types.js';

export function binary(store: CpuStorage, { op, a, b, outShape }: KernelArgs<'Binary'>): DataId {
  const av = store.values(a);
  const bv = store.values(b);
  const size = sizeOf(outShape);
  const dtype = op === 'greater' || op === 'equal' ? 'float32' : a.dtype;
  const y = store.alloc(dtype, size);
  if (size > 0) {
    const imul = op === 'mul' && a.dtype === 'int32';
    const plan = planBroadcast(outShape, [a.shape, b.shape]);
    const inner = plan.dims[plan.dims.length - 1];
    const sa = plan.strides[0][plan.dims.length - 1];
    const sb = plan.strides[1][plan.dims.length - 1];
    const od = new Odometer(plan.dims, plan.strides);
    for (let r = 0, yo = 0; r < od.runs; r++, yo += inner) {
      binaryRun(op, imul, y, yo, av, od.offsets[0], sa, bv, od.offsets[1], sb, inner);
      od.next();
    }
  }
  return store.register(y);
}

/** y[yo + i] = op(a[ao + i*sa], b[bo + i*sb]) for i < n. */
export function binaryRun(
  op: BinaryOp,
  imul: boolean,
  y: TypedArray,
  yo: number,
  a: TypedArray,
  ao: number,
  sa: number,
  b: TypedArray,
  bo: number,
  sb: number,
  n: number,
): void {
  const end = yo + n;
  switch (op) {
    case 'add':
      if (sa === 1 && sb === 1)
        for (let i = yo, d = ao - yo, e = bo - yo; i < end; i++) y[i] = a[i + d] + b[i + e];
      else
        for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb) y[i] = a[ia] + b[ib];
      return;
    case 'sub':
      if (sa === 1 && sb === 1)
        for (let i = yo, d = ao - yo, e = bo - yo; i < end; i++) y[i] = a[i + d] - b[i + e];
      else
        for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb) y[i] = a[ia] - b[ib];
      return;
    case 'mul':
      if (imul)
        for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb)
          y[i] = Math.imul(a[ia], b[ib]);
      else if (sa === 1 && sb === 1)
        for (let i = yo, d = ao - yo, e = bo - yo; i < end; i++) y[i] = a[i + d] * b[i + e];
      else
        for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb) y[i] = a[ia] * b[ib];
      return;
    case 'div':
      for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb) y[i] = a[ia] / b[ib];
      return;
    case 'maximum':
      for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb)
        y[i] = Math.max(a[ia], b[ib]);
      return;
    case 'minimum':
      for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb)
        y[i] = Math.min(a[ia], b[ib]);
      return;
    case 'greater':
      for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb)
        y[i] = a[ia] > b[ib] ? 1 : 0;
      return;
    case 'equal':
      for (let i = yo, ia = ao, ib = bo; i < end; i++, ia += sa, ib += sb)
        y[i] = a[ia] === b[ib] ? 1 : 0;
      return;
  }
}
