/** The ConvGeometry parameter block shared by convolution, im2col/col2im and pooling shaders. */
import type { ConvGeometry } from '@tessera/core';
import type { ParamFields, ParamValues } from '../device/params.js';

export const GEOM_FIELDS: ParamFields = [
  ['batch', 'u32'],
  ['C', 'u32'],
  ['H', 'u32'],
  ['W', 'u32'],
  ['outC', 'u32'],
  ['kH', 'u32'],
  ['kW', 'u32'],
  ['sH', 'u32'],
  ['sW', 'u32'],
  ['padTop', 'u32'],
  ['padLeft', 'u32'],
  ['dH', 'u32'],
  ['dW', 'u32'],
  ['outH', 'u32'],
  ['outW', 'u32'],
];

export function geomValues(g: ConvGeometry): ParamValues {
  return {
    batch: g.batch,
    C: g.inChannels,
    H: g.inH,
    W: g.inW,
    outC: g.outChannels,
    kH: g.kH,
    kW: g.kW,
    sH: g.strideH,
    sW: g.strideW,
    padTop: g.padTop,
    padLeft: g.padLeft,
    dH: g.dilationH,
    dW: g.dilationW,
    outH: g.outH,
    outW: g.outW,
  };
}

/**
 * WGSL helpers over the geometry in `p`: the input row/column a window tap reads (negative
 * or past the edge in the padding), and the output position whose window tap (ki or kj)
 * lands on input row/column h/w, if any (-1 when none does: off the stride grid or outside).
 */
export const GEOM_WGSL = `
fn inRow(oh: u32, ki: u32) -> i32 { return i32(oh * p.sH + ki * p.dH) - i32(p.padTop); }
fn inCol(ow: u32, kj: u32) -> i32 { return i32(ow * p.sW + kj * p.dW) - i32(p.padLeft); }
fn outRowOf(h: u32, ki: u32) -> i32 {
  let t = i32(h + p.padTop) - i32(ki * p.dH);
  if (t < 0 || u32(t) % p.sH != 0u || u32(t) / p.sH >= p.outH) { return -1; }
  return i32(u32(t) / p.sH);
}
fn outColOf(w: u32, kj: u32) -> i32 {
  let t = i32(w + p.padLeft) - i32(kj * p.dW);
  if (t < 0 || u32(t) % p.sW != 0u || u32(t) / p.sW >= p.outW) { return -1; }
  return i32(u32(t) / p.sW);
}`;
