/**
 * Convolution as implicit GEMM on the shared skeleton (gemm.wgsl.ts): the loaders compute
 * image, filter and gradient indices on the fly, so no im2col matrix is materialised.
 *
 *   forward         Y[n, oc, pos]   : M = outC, N = batch*outH*outW, K = C*kH*kW
 *                   A = W[oc, k]      B = image tap (k = (c, ki, kj), col = (n, oh, ow))
 *   backprop input  dX[n, c, h, w]  : M = C,    N = batch*H*W,       K = outC*kH*kW
 *                   A = W[oc, c, ki, kj]  B = dY at the output position whose tap hits (h, w)
 *   backprop filter dW[oc, k]       : M = outC, N = C*kH*kW,         K = batch*outH*outW
 *                   A = dY[n, oc, pos]    B = image tap (k = (n, oh, ow), col = (c, ki, kj))
 */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { GEMM_FIELDS, gemmSource, type TileConfig } from './gemm.wgsl.js';
import { GEOM_FIELDS, GEOM_WGSL } from './geometry.js';

export const CONV = paramLayout([...GEMM_FIELDS, ...GEOM_FIELDS]);

/** Image value at window tap (c, ki, kj) of output position (n, oh, ow); 0 in the padding. */
const IMAGE_TAP = `
fn imageTap(n: u32, c: u32, oh: u32, ow: u32, ki: u32, kj: u32) -> f32 {
  let ih = inRow(oh, ki);
  let iw = inCol(ow, kj);
  if (ih < 0 || u32(ih) >= p.H || iw < 0 || u32(iw) >= p.W) { return 0.0; }
  return X[((n * p.C + c) * p.H + u32(ih)) * p.W + u32(iw)];
}`;

export function conv2dSource(tile: TileConfig): string {
  return gemmSource(
    {
      bindings: bindings([['X', 'f32'], ['WT', 'f32']], [['Y', 'f32']], CONV),
      functions: `${GEOM_WGSL}
${IMAGE_TAP}
fn loadA(b: u32, row: u32, k: u32) -> f32 { return WT[row * p.K + k]; }
fn loadB(b: u32, k: u32, col: u32) -> f32 {
  let kj = k % p.kW; let kt = k / p.kW;
  let ow = col % p.outW; let ct = col / p.outW;
  return imageTap(ct / p.outH, kt / p.kH, ct % p.outH, ow, kt % p.kH, kj);
}
fn storeC(b: u32, row: u32, col: u32, v: f32) {
  let P = p.outH * p.outW;
  let n = col / P;
  Y[(n * p.outC + row) * P + (col - n * P)] = v;
}`,
      aContiguous: 'k',
      bContiguous: 'col',
    },
    tile,
    CONV,
  );
}

export function conv2dBackpropInputSource(tile: TileConfig): string {
  return gemmSource(
    {
      bindings: bindings([['DY', 'f32'], ['WT', 'f32']], [['DX', 'f32']], CONV),
      functions: `${GEOM_WGSL}
fn loadA(b: u32, row: u32, k: u32) -> f32 {
  // k = (oc, ki, kj); row = c.
  let taps = p.kH * p.kW;
  let oc = k / taps;
  return WT[(oc * p.C + row) * taps + (k - oc * taps)];
}
fn loadB(b: u32, k: u32, col: u32) -> f32 {
  // col = (n, h, w): the dY entry whose window tap (ki, kj) covers (h, w), if any.
  let kj = k % p.kW; let kt = k / p.kW; let ki = kt % p.kH; let oc = kt / p.kH;
  let w = col % p.W; let ct = col / p.W; let h = ct % p.H; let n = ct / p.H;
  let oh = outRowOf(h, ki);
  let ow = outColOf(w, kj);
  if (oh < 0 || ow < 0) { return 0.0; }
  return DY[((n * p.outC + oc) * p.outH + u32(oh)) * p.outW + u32(ow)];
}
fn storeC(b: u32, row: u32, col: u32, v: f32) {
  let HW = p.H * p.W;
  let n = col / HW;
  DX[(n * p.C + row) * HW + (col - n * HW)] = v;
}`,
      aContiguous: 'k',
      bContiguous: 'col',
    },
    tile,
    CONV,
  );
}

export function conv2dBackpropFilterSource(tile: TileConfig): string {
  return gemmSource(
    {
      bindings: bindings([['X', 'f32'], ['DY', 'f32']], [['DW', 'f32']], CONV),
      functions: `${GEOM_WGSL}
${IMAGE_TAP}
fn loadA(b: u32, row: u32, k: u32) -> f32 {
  // k = (n, pos); row = oc.
  let P = p.outH * p.outW;
  let n = k / P;
  return DY[(n * p.outC + row) * P + (k - n * P)];
}
fn loadB(b: u32, k: u32, col: u32) -> f32 {
  // k = (n, oh, ow); col = (c, ki, kj).
  let kj = col % p.kW; let ct = col / p.kW;
  let ow = k % p.outW; let kt = k / p.outW;
  return imageTap(kt / p.outH, ct / p.kH, kt % p.outH, ow, ct % p.kH, kj);
}
fn storeC(b: u32, row: u32, col: u32, v: f32) { DW[row * p.N + col] = v; }`,
      aContiguous: 'k',
      bContiguous: 'k',
    },
    tile,
    CONV,
  );
}
