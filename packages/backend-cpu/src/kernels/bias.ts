/** x viewed as [outer, channels, inner] plus bias[c] along the middle axis, then optional relu. */
import type { DataId } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

export function biasAdd(
  store: CpuStorage,
  { x, bias, outer, channels, inner, relu }: KernelArgs<'BiasAdd'>,
): DataId {
  const xv = store.values(x);
  const bv = store.values(bias);
  const y = store.alloc(x.dtype, xv.length);
  for (let o = 0, at = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, at += inner) {
      const b = bv[c];
      const end = at + inner;
      if (relu) {
        for (let i = at; i < end; i++) {
          const v = xv[i] + b;
          y[i] = v > 0 ? v : 0;
        }
      } else {
        for (let i = at; i < end; i++) y[i] = xv[i] + b;
      }
    }
  }
  return store.register(y);
}
