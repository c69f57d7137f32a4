/**
 * Convolution as implicit GEMM on the shared skeleton (gemm.wgsl.ts): the loaders compute
 * image, filter and gradient addresses on the fly, so no im2col matrix is materialised.
 *
 *   forward         Y[n, oc, pos]   : M = outC, N = batch*outH*outW, K = C*kH*kW
 *                   A = W[oc, k]      B = image tap (k = (c, ki, kj), col = (n, oh, ow))
 *   backprop input  dX[n, c, h, w]  : M = C,    N = batch*H*W,       K = outC*kH*kW
 *                   A = W[oc, c, ki, kj]  B = dY at the window (oh, ow) whose tap (ki, kj) is (h, w)
 *   backprop filter dW[oc, k]       : M = outC, N = C*kH*kW,         K = batch*outH*outW
 *                   A = dY[n, oc, pos]    B = image tap (k = (n, oh, ow), col = (c, ki, kj))
 *
 * An image tap is a vec3<i32> (plane offset, row, column) that is the sum of a k part and a
 * column part; loads are branch-free (a select, reading index 0 outside the image), because
 * the register GEMM inlines them many times and branches there slow SwiftShader's compiler.
 */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { GEMM_FIELDS, gemmSource, type TileConfig } from './gemm.wgsl.js';
import { GEOM_FIELDS } from './geometry.js';

export const CONV = paramLayout([...GEMM_FIELDS, ...GEOM_FIELDS]);

/** X at image tap t, 0 in the padding. */
const TAP = `
fn tapAt(t: vec3<i32>) -> f32 {
  let inside = (t.y >= 0) & (t.y < i32(p.H)) & (t.z >= 0) & (t.z < i32(p.W));
  let at = select(0, t.x + t.y * i32(p.W) + t.z, inside);
  return select(0.0, X[u32(at)], inside);
}
/** Tap of output position col = (n, oh, ow): where its window starts. */
fn windowOrigin(col: u32) -> vec3<i32> {
  let ow = col % p.outW;
  let t = col / p.outW;
  return vec3<i32>(i32((t / p.outH) * p.C * p.H * p.W), i32((t % p.outH) * p.sH) - i32(p.padTop),
                   i32(ow * p.sW) - i32(p.padLeft));
}
/** Offset of filter tap k = (c, ki, kj) from a window's origin. */
fn filterTap(k: u32) -> vec3<i32> {
  let kj = k % p.kW;
  let t = k / p.kW;
  return vec3<i32>(i32((t / p.kH) * p.H * p.W), i32((t % p.kH) * p.dH), i32(kj * p.dW));
}`;

export function conv2dSource(tile: TileConfig): string {
  return gemmSource(
    {
      bindings: bindings(
        [
          ['X', 'f32'],
          ['WT', 'f32'],
        ],
        [['Y', 'f32']],
        CONV,
      ),
      functions: `${TAP}
fn aRow(b: u32, row: u32) -> u32 { return row * p.K; }
fn aK(b: u32, k: u32) -> u32 { return k; }
fn loadAf(r: u32, k: u32) -> f32 { return WT[r + k]; }
fn bK(b: u32, k: u32) -> vec3<i32> { return filterTap(k); }
fn bCol(b: u32, col: u32) -> vec3<i32> { return windowOrigin(col); }
fn loadBf(k: vec3<i32>, c: vec3<i32>) -> f32 { return tapAt(k + c); }
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

export function conv2dBackpropFilterSource(tile: TileConfig, split: boolean): string {
  return gemmSource(
    {
      bindings: bindings(
        [
          ['X', 'f32'],
          ['DY', 'f32'],
        ],
        [['DW', 'f32']],
        CONV,
      ),
      functions: `${TAP}
// k = (n, pos) over dY's batch and positions; row = oc.
fn aRow(b: u32, row: u32) -> u32 { return row * p.outH * p.outW; }
fn aK(b: u32, k: u32) -> u32 { let P = p.outH * p.outW; let n = k / P; return n * p.outC * P + (k - n * P); }
fn loadAf(r: u32, k: u32) -> f32 { return DY[r + k]; }
// The roles of forward's k and column swap: k is the output position, the column the filter tap.
fn bK(b: u32, k: u32) -> vec3<i32> { return windowOrigin(k); }
fn bCol(b: u32, col: u32) -> vec3<i32> { return filterTap(col); }
fn loadBf(k: vec3<i32>, c: vec3<i32>) -> f32 { return tapAt(k + c); }
fn storeC(b: u32, row: u32, col: u32, v: f32) { DW[(b * p.M + row) * p.N + col] = v; }`,
      aContiguous: 'k',
      bContiguous: 'k',
    },
    tile,
    CONV,
    split,
  );
}

/**
 * `unitStride` drops the divisibility test and division from every dY load: with stride 1,
 * every input position is some window's tap.
 */
export function conv2dBackpropInputSource(tile: TileConfig, unitStride: boolean): string {
  const locate = unitStride
    ? `let oh = th; let ow = tw;
  let inside = (th >= 0) & (th < i32(p.outH)) & (tw >= 0) & (tw < i32(p.outW));`
    : `let oh = th / i32(p.sH); let ow = tw / i32(p.sW);
  let inside = (th >= 0) & (tw >= 0) & (th % i32(p.sH) == 0) & (tw % i32(p.sW) == 0) &
               (oh < i32(p.outH)) & (ow < i32(p.outW));`;
  return gemmSource(
    {
      bindings: bindings(
        [
          ['DY', 'f32'],
          ['WT', 'f32'],
        ],
        [['DX', 'f32']],
        CONV,
      ),
      functions: `
// row = c; k = (oc, ki, kj): W[oc, c, ki, kj] = WT[c * taps + oc * C * taps + tap].
fn aRow(b: u32, row: u32) -> u32 { return row * p.kH * p.kW; }
fn aK(b: u32, k: u32) -> u32 { let taps = p.kH * p.kW; let oc = k / taps; return oc * p.C * taps + (k - oc * taps); }
fn loadAf(r: u32, k: u32) -> f32 { return WT[r + k]; }
// k part: (oc plane offset in dY, ki * dH, kj * dW); column part: (n offset in dY, h + padTop, w + padLeft).
fn bK(b: u32, k: u32) -> vec3<i32> {
  let kj = k % p.kW; let t = k / p.kW;
  return vec3<i32>(i32((t / p.kH) * p.outH * p.outW), i32((t % p.kH) * p.dH), i32(kj * p.dW));
}
fn bCol(b: u32, col: u32) -> vec3<i32> {
  let w = col % p.W; let t = col / p.W;
  return vec3<i32>(i32((t / p.H) * p.outC * p.outH * p.outW), i32((t % p.H) + p.padTop), i32(w + p.padLeft));
}
// dY at the window whose tap (ki, kj) lands on (h, w), 0 when none does.
fn loadBf(k: vec3<i32>, c: vec3<i32>) -> f32 {
  let th = c.y - k.y; let tw = c.z - k.z;
  ${locate}
  let at = select(0, c.x + k.x + oh * i32(p.outW) + ow, inside);
  return select(0.0, DY[u32(at)], inside);
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
