/**
 * im2col / col2im as plain loops over a geometry struct (the candle formulation).
 *
 * Columns for one image are [C*kH*kW, L] with L = (oh1 - oh0) * outW when only the output rows
 * [oh0, oh1) are requested; row index (c*kH + i)*kW + j, column index (oh - oh0)*outW + ow.
 * Producing a band of output rows at a time lets conv keep its column panel in cache.
 * For each (c, i, j) row the range of ow whose tap lands inside the image is computed once, so
 * the inner loop is a straight copy with no per-element bounds tests.
 */
import type { ConvGeometry, DataId, TypedArray } from '@tessera/core';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

/** First ow in [0, outW] whose column w = ow*sW + shift is >= lo. */
function firstOw(lo: number, shift: number, sW: number, outW: number): number {
  const v = Math.ceil((lo - shift) / sW);
  return v < 0 ? 0 : v > outW ? outW : v;
}

/** Columns of output rows [oh0, oh1) of the image at x[xOff...] into cols[cOff...]. */
export function im2colRows(
  x: TypedArray,
  xOff: number,
  g: ConvGeometry,
  cols: TypedArray,
  cOff: number,
  oh0: number,
  oh1: number,
): void {
  const {
    inH: H,
    inW: W,
    kH,
    kW,
    strideH: sH,
    strideW: sW,
    dilationH: dH,
    dilationW: dW,
    outW,
  } = g;
  const plane = H * W;
  let o = cOff;
  for (let c = 0; c < g.inChannels; c++) {
    const xc = xOff + c * plane;
    for (let i = 0; i < kH; i++) {
      const hShift = i * dH - g.padTop;
      for (let j = 0; j < kW; j++) {
        const wShift = j * dW - g.padLeft;
        const lo = firstOw(0, wShift, sW, outW);
        const hi = Math.max(lo, firstOw(W, wShift, sW, outW));
        for (let oh = oh0; oh < oh1; oh++, o += outW) {
          const h = oh * sH + hShift;
          if (h < 0 || h >= H) {
            cols.fill(0, o, o + outW);
            continue;
          }
          const xr = xc + h * W + wShift;
          for (let ow = 0; ow < lo; ow++) cols[o + ow] = 0;
          if (sW === 1) for (let ow = lo; ow < hi; ow++) cols[o + ow] = x[xr + ow];
          else for (let ow = lo; ow < hi; ow++) cols[o + ow] = x[xr + ow * sW];
          for (let ow = hi; ow < outW; ow++) cols[o + ow] = 0;
        }
      }
    }
  }
}

/** The adjoint: adds columns of output rows [oh0, oh1) into the image at dx[xOff...]. */
export function col2imRows(
  cols: TypedArray,
  cOff: number,
  g: ConvGeometry,
  dx: TypedArray,
  xOff: number,
  oh0: number,
  oh1: number,
): void {
  const {
    inH: H,
    inW: W,
    kH,
    kW,
    strideH: sH,
    strideW: sW,
    dilationH: dH,
    dilationW: dW,
    outW,
  } = g;
  const plane = H * W;
  let o = cOff;
  for (let c = 0; c < g.inChannels; c++) {
    const xc = xOff + c * plane;
    for (let i = 0; i < kH; i++) {
      const hShift = i * dH - g.padTop;
      for (let j = 0; j < kW; j++) {
        const wShift = j * dW - g.padLeft;
        const lo = firstOw(0, wShift, sW, outW);
        const hi = Math.max(lo, firstOw(W, wShift, sW, outW));
        for (let oh = oh0; oh < oh1; oh++, o += outW) {
          const h = oh * sH + hShift;
          if (h < 0 || h >= H) continue;
          const xr = xc + h * W + wShift;
          if (sW === 1) for (let ow = lo; ow < hi; ow++) dx[xr + ow] += cols[o + ow];
          else for (let ow = lo; ow < hi; ow++) dx[xr + ow * sW] += cols[o + ow];
        }
      }
    }
  }
}

export function im2col(store: CpuStorage, { x, geom: g }: KernelArgs<'Im2Col'>): DataId {
  const xv = store.values(x);
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const cols = store.alloc(x.dtype, g.batch * rows * L);
  const image = g.inChannels * g.inH * g.inW;
  for (let n = 0; n < g.batch; n++) im2colRows(xv, n * image, g, cols, n * rows * L, 0, g.outH);
  return store.register(cols);
}

export function col2im(store: CpuStorage, { cols, geom: g }: KernelArgs<'Col2Im'>): DataId {
  const cv = store.values(cols);
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const image = g.inChannels * g.inH * g.inW;
  const dx = store.zeros(cols.dtype, g.batch * image);
  for (let n = 0; n < g.batch; n++) col2imRows(cv, n * rows * L, g, dx, n * image, 0, g.outH);
  return store.register(dx);
}
