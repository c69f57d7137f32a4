/**
 * 2-D pooling over NCHW planes. Padding never takes part: windows only visit taps inside the
 * image. Max keeps Math.max semantics (a NaN wins); its backward routes dy to the FIRST
 * maximum of each window in row-major tap order (PyTorch's tie rule). Average divides by
 * kH*kW whatever the padding (PyTorch's count_include_pad default).
 */
import type { ConvGeometry, DataId, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

/** Taps t in [lo, hi) of a window starting at `start` with dilation d land inside [0, size). */
function tapRange(start: number, d: number, k: number, size: number): [number, number] {
  const lo = start >= 0 ? 0 : Math.min(k, Math.ceil(-start / d));
  const hi = Math.max(lo, Math.min(k, Math.ceil((size - start) / d)));
  return [lo, hi];
}

/** Visits each output position of every plane with its window's valid tap ranges. */
function forEachWindow(
  g: ConvGeometry,
  fn: (
    plane: number,
    out: number,
    h0: number,
    iLo: number,
    iHi: number,
    w0: number,
    jLo: number,
    jHi: number,
  ) => void,
): void {
  const planes = g.batch * g.inChannels;
  // Column ranges repeat for every row of windows: compute them once.
  const jLo = new Int32Array(g.outW);
  const jHi = new Int32Array(g.outW);
  for (let ow = 0; ow < g.outW; ow++) {
    const [lo, hi] = tapRange(ow * g.strideW - g.padLeft, g.dilationW, g.kW, g.inW);
    jLo[ow] = lo;
    jHi[ow] = hi;
  }
  for (let p = 0, out = 0; p < planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      const h0 = oh * g.strideH - g.padTop;
      const [iLo, iHi] = tapRange(h0, g.dilationH, g.kH, g.inH);
      for (let ow = 0; ow < g.outW; ow++, out++) {
        fn(p, out, h0, iLo, iHi, ow * g.strideW - g.padLeft, jLo[ow], jHi[ow]);
      }
    }
  }
}

export function maxPool(store: CpuStorage, { x, geom: g }: KernelArgs<'MaxPool'>): DataId {
  const xv = store.values(x);
  const y = store.alloc(x.dtype, g.batch * g.inChannels * g.outH * g.outW);
  const plane = g.inH * g.inW;
  const { inW: W, dilationH: dH, dilationW: dW } = g;
  forEachWindow(g, (p, out, h0, iLo, iHi, w0, jLo, jHi) => {
    let best = -Infinity;
    for (let i = iLo; i < iHi; i++) {
      const row = p * plane + (h0 + i * dH) * W + w0;
      for (let j = jLo; j < jHi; j++) {
        const v = xv[row + j * dW];
        if (v > best || v !== v) best = v;
      }
    }
    y[out] = best;
  });
  return store.register(y);
}

export function maxPoolBackward(
  store: CpuStorage,
  { x, dy, geom: g }: KernelArgs<'MaxPoolBackward'>,
): DataId {
  const xv = store.values(x);
  const dyv = store.values(dy);
  const dx = store.zeros(dy.dtype, xv.length);
  const plane = g.inH * g.inW;
  const { inW: W, dilationH: dH, dilationW: dW } = g;
  forEachWindow(g, (p, out, h0, iLo, iHi, w0, jLo, jHi) => {
    let best = 0;
    let where = -1;
    for (let i = iLo; i < iHi; i++) {
      const row = p * plane + (h0 + i * dH) * W + w0;
      for (let j = jLo; j < jHi; j++) {
        const at = row + j * dW;
        const v = xv[at];
        if (where < 0 || v > best) {
          best = v;
          where = at;
        }
      }
    }
    if (where >= 0) dx[where] += dyv[out];
  });
  return store.register(dx);
}

export function avgPool(store: CpuStorage, { x, geom: g }: KernelArgs<'AvgPool'>): DataId {
  const xv = store.values(x);
  const y = store.alloc(x.dtype, g.batch * g.inChannels * g.outH * g.outW);
  const plane = g.inH * g.inW;
  const { inW: W, dilationH: dH, dilationW: dW } = g;
  const inv = 1 / (g.kH * g.kW);
  forEachWindow(g, (p, out, h0, iLo, iHi, w0, jLo, jHi) => {
    let s = 0.0;
    for (let i = iLo; i < iHi; i++) {
      const row = p * plane + (h0 + i * dH) * W + w0;
      for (let j = jLo; j < jHi; j++) s += xv[row + j * dW];
    }
    y[out] = s * inv;
  });
  return store.register(y);
}

export function avgPoolBackward(
  store: CpuStorage,
  { dy, geom: g }: KernelArgs<'AvgPoolBackward'>,
): DataId {
  const dyv = store.values(dy);
  const plane = g.inH * g.inW;
  const dx: TypedArray = store.zeros(dy.dtype, g.batch * g.inChannels * plane);
  const { inW: W, dilationH: dH, dilationW: dW } = g;
  const inv = 1 / (g.kH * g.kW);
  forEachWindow(g, (p, out, h0, iLo, iHi, w0, jLo, jHi) => {
    const v = dyv[out] * inv;
    for (let i = iLo; i < iHi; i++) {
      const row = p * plane + (h0 + i * dH) * W + w0;
      for (let j = jLo; j < jHi; j++) dx[row + j * dW] += v;
    }
  });
  return store.register(dx);
}
