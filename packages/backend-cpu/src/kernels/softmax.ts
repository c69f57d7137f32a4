/**
 * Row-wise softmax family over x viewed as [outer, size]. Every row subtracts its maximum
 * before exponentiating, so logits of magnitude 1e4 neither overflow nor underflow to 0/0;
 * sums are float64. A row whose maximum is +-Infinity or NaN gives NaN/-Infinity exactly as
 * the formulas do (logsumexp = max + log(sum exp(x - max))).
 */
import type { DataId, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

function rowMax(x: TypedArray, start: number, size: number): number {
  let m = -Infinity;
  for (let i = start, end = start + size; i < end; i++) m = Math.max(m, x[i]);
  return m;
}

/** log(sum(exp(x - m))) + m for one row, the way the reference computes it. */
function logSumExp(x: TypedArray, start: number, size: number): number {
  const m = rowMax(x, start, size);
  if (m === -Infinity || m !== m) return m;
  let s = 0.0;
  for (let i = start, end = start + size; i < end; i++) s += Math.exp(x[i] - m);
  return m + Math.log(s);
}

export function softmax(store: CpuStorage, { x, outer, size }: KernelArgs<'Softmax'>): DataId {
  const xv = store.values(x);
  const y = store.f32(outer * size);
  for (let r = 0, s = 0; r < outer; r++, s += size) {
    const m = rowMax(xv, s, size);
    const end = s + size;
    if (m === -Infinity || m !== m || m === Infinity) {
      // Degenerate row: exp(x - lse) with lse = m is NaN wherever x - m is, as in the formula.
      const lse = logSumExp(xv, s, size);
      for (let i = s; i < end; i++) y[i] = Math.exp(xv[i] - lse);
      continue;
    }
    let sum = 0.0;
    for (let i = s; i < end; i++) sum += Math.exp(xv[i] - m);
    // Recompute exp rather than reading back the rounded float32 stores: full precision.
    const inv = 1 / sum;
    for (let i = s; i < end; i++) y[i] = Math.exp(xv[i] - m) * inv;
  }
  return store.register(y);
}

export function logSoftmax(
  store: CpuStorage,
  { x, outer, size }: KernelArgs<'LogSoftmax'>,
): DataId {
  const xv = store.values(x);
  const y = store.f32(outer * size);
  for (let r = 0, s = 0; r < outer; r++, s += size) {
    const lse = logSumExp(xv, s, size);
    for (let i = s, end = s + size; i < end; i++) y[i] = xv[i] - lse;
  }
  return store.register(y);
}

export function softmaxCrossEntropy(
  store: CpuStorage,
  { logits, labels }: KernelArgs<'SoftmaxCrossEntropy'>,
): DataId {
  const lv = store.values(logits);
  const yv = store.values(labels);
  const [n, k] = logits.shape;
  const loss = store.f32(n);
  for (let r = 0; r < n; r++) {
    const label = yv[r];
    loss[r] = label >= 0 && label < k ? logSumExp(lv, r * k, k) - lv[r * k + label] : NaN;
  }
  return store.register(loss);
}

export function softmaxCrossEntropyGrad(
  store: CpuStorage,
  { logits, labels, dy }: KernelArgs<'SoftmaxCrossEntropyGrad'>,
): DataId {
  const lv = store.values(logits);
  const yv = store.values(labels);
  const dyv = store.values(dy);
  const [n, k] = logits.shape;
  const g = store.f32(n * k);
  for (let r = 0, s = 0; r < n; r++, s += k) {
    const label = yv[r];
    const end = s + k;
    if (!(label >= 0 && label < k)) {
      g.fill(NaN, s, end);
      continue;
    }
    const lse = logSumExp(lv, s, k);
    const d = dyv[r];
    for (let i = s; i < end; i++) g[i] = Math.exp(lv[i] - lse) * d;
    // The label's entry in float64 (p - 1 cancels; subtracting after the float32 store would not).
    g[s + label] = (Math.exp(lv[s + label] - lse) - 1) * d;
  }
  return store.register(g);
}
