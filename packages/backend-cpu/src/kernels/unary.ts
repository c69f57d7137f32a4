/** Elementwise unary ops. Output keeps x's dtype (an int32 result is truncated on store). */
import type { DataId, TypedArray, UnaryOp } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

export function unary(store: CpuStorage, { op, x }: KernelArgs<'Unary'>): DataId {
  const xv = store.values(x);
  const y = store.alloc(x.dtype, xv.length);
  applyUnary(op, xv, y, x.dtype === 'int32');
  return store.register(y);
}

/** y[i] = op(x[i]); one loop per op so the loop body is monomorphic. */
export function applyUnary(op: UnaryOp, x: TypedArray, y: TypedArray, int: boolean): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) y[i] = -x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]);
      return;
    case 'square':
      // int32 squares wrap like int32 arithmetic; a float64 product would lose the low bits.
      if (int) for (let i = 0; i < n; i++) y[i] = Math.imul(x[i], x[i]);
      else for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v : 0;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'step':
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? 1 : 0;
      return;
  }
}
