/** `cond != 0 ? a : b` with all three broadcast to outShape; output dtype is a's. */
import type { DataId } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import { Odometer, planBroadcast } from './broadcast.js';
import { sizeOf, type KernelArgs } from './types.js';

export function where(store: CpuStorage, { cond, a, b, outShape }: KernelArgs<'Where'>): DataId {
  const cv = store.values(cond);
  const av = store.values(a);
  const bv = store.values(b);
  const size = sizeOf(outShape);
  const y = store.alloc(a.dtype, size);
  if (size > 0) {
    const plan = planBroadcast(outShape, [cond.shape, a.shape, b.shape]);
    const last = plan.dims.length - 1;
    const inner = plan.dims[last];
    const sc = plan.strides[0][last];
    const sa = plan.strides[1][last];
    const sb = plan.strides[2][last];
    const od = new Odometer(plan.dims, plan.strides);
    const off = od.offsets;
    for (let r = 0, yo = 0; r < od.runs; r++, yo += inner) {
      for (
        let i = 0, ic = off[0], ia = off[1], ib = off[2];
        i < inner;
        i++, ic += sc, ia += sa, ib += sb
      ) {
        y[yo + i] = cv[ic] !== 0 ? av[ia] : bv[ib];
      }
      od.next();
    }
  }
  return store.register(y);
}
