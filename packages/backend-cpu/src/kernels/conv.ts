/**
 * 2-D convolution (cross-correlation, NCHW, weights [O, C, kH, kW]) as im2col + GEMM.
 *
 *   forward          y[n] (O x L)    = W (O x CKK) @ cols[n] (CKK x L)       written straight into NCHW
 *   backprop input   cols (CKK x L)  = W^T @ dy[n] (O x L), then col2im into dx[n]
 *   backprop filter  dW (O x CKK)   += dy[n] (O x L) @ cols[n]^T              over the whole batch
 *
 * with CKK = C*kH*kW and L = outH*outW. Columns are built for a band of output rows at a time
 * in one reused scratch buffer, sized so the band stays in L2 while the GEMM packs it; the band
 * maps to a column range of y[n] (ldc = L), so no copy is needed. A 1x1, stride-1, unpadded
 * convolution is already a GEMM on the image itself and skips im2col.
 */
import type { ConvGeometry, DataId } from '@tessera/core';
import { sgemmStrided } from '../gemm/sgemm.js';
import type { CpuStorage } from '../storage.js';
import { col2imRows, im2colRows } from './im2col.js';
import type { KernelArgs } from './types.js';

/** Target elements of one column band (256 Ki floats = 1 MiB, about one L2 on this machine). */
const BAND_ELEMS = 256 * 1024;

let colScratch = new Float32Array(0);

function columns(size: number): Float32Array {
  if (colScratch.length < size)
    colScratch = new Float32Array(Math.max(size, Math.ceil(colScratch.length * 1.5)));
  return colScratch;
}

/** Output rows per band: as many as fit BAND_ELEMS, at least one. */
function bandRows(g: ConvGeometry, ckk: number): number {
  return Math.max(1, Math.min(g.outH, Math.floor(BAND_ELEMS / Math.max(1, ckk * g.outW))));
}

/** True when the convolution is a plain GEMM over the image: 1x1 taps, stride 1, no padding. */
export function isPointwise(g: ConvGeometry): boolean {
  return (
    g.kH === 1 &&
    g.kW === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padBottom === 0 &&
    g.padLeft === 0 &&
    g.padRight === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}

export function conv2d(store: CpuStorage, { x, w, geom: g }: KernelArgs<'Conv2D'>): DataId {
  const xs = store.valuesF32(x);
  const ws = store.valuesF32(w);
  const xv = xs.data;
  const wv = ws.data;
  const O = g.outChannels;
  const ckk = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const image = g.inChannels * g.inH * g.inW;
  const y = store.f32(g.batch * O * L);
  if (isPointwise(g)) {
    for (let n = 0; n < g.batch; n++) {
      sgemmStrided(O, L, ckk, wv, 0, ckk, false, xv, n * image, L, false, y, n * O * L, L, false);
    }
  } else if (L > 0) {
    const R = bandRows(g, ckk);
    const cols = columns(ckk * R * g.outW);
    for (let n = 0; n < g.batch; n++) {
      for (let oh0 = 0; oh0 < g.outH; oh0 += R) {
        const oh1 = Math.min(g.outH, oh0 + R);
        const Lb = (oh1 - oh0) * g.outW;
        im2colRows(xv, n * image, g, cols, 0, oh0, oh1);
        sgemmStrided(
          O,
          Lb,
          ckk,
          wv,
          0,
          ckk,
          false,
          cols,
          0,
          Lb,
          false,
          y,
          n * O * L + oh0 * g.outW,
          L,
          false,
        );
      }
    }
  }
  if (xs.scratch) store.recycle(xv);
  if (ws.scratch) store.recycle(wv);
  return store.register(y);
}

export function conv2dBackpropInput(
  store: CpuStorage,
  { dy, w, geom: g }: KernelArgs<'Conv2DBackpropInput'>,
): DataId {
  const ds = store.valuesF32(dy);
  const ws = store.valuesF32(w);
  const dyv = ds.data;
  const wv = ws.data;
  const O = g.outChannels;
  const ckk = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const image = g.inChannels * g.inH * g.inW;
  let dx: Float32Array;
  if (isPointwise(g)) {
    // dx[n] (C x HW) = W^T (C x O) @ dy[n] (O x HW); W is stored [O, C].
    dx = store.f32(g.batch * image);
    for (let n = 0; n < g.batch; n++) {
      sgemmStrided(ckk, L, O, wv, 0, ckk, true, dyv, n * O * L, L, false, dx, n * image, L, false);
    }
  } else {
    dx = store.zerosF32(g.batch * image);
    if (L > 0) {
      const R = bandRows(g, ckk);
      const cols = columns(ckk * R * g.outW);
      for (let n = 0; n < g.batch; n++) {
        for (let oh0 = 0; oh0 < g.outH; oh0 += R) {
          const oh1 = Math.min(g.outH, oh0 + R);
          const Lb = (oh1 - oh0) * g.outW;
          sgemmStrided(
            ckk,
            Lb,
            O,
            wv,
            0,
            ckk,
            true,
            dyv,
            n * O * L + oh0 * g.outW,
            L,
            false,
            cols,
            0,
            Lb,
            false,
          );
          col2imRows(cols, 0, g, dx, n * image, oh0, oh1);
        }
      }
    }
  }
  if (ds.scratch) store.recycle(dyv);
  if (ws.scratch) store.recycle(wv);
  return store.register(dx);
}

export function conv2dBackpropFilter(
  store: CpuStorage,
  { x, dy, geom: g }: KernelArgs<'Conv2DBackpropFilter'>,
): DataId {
  const xs = store.valuesF32(x);
  const ds = store.valuesF32(dy);
  const xv = xs.data;
  const dyv = ds.data;
  const O = g.outChannels;
  const ckk = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const image = g.inChannels * g.inH * g.inW;
  const dw = store.f32(O * ckk);
  let first = true;
  if (isPointwise(g)) {
    // dW (O x C) += dy[n] (O x HW) @ x[n]^T (HW x C).
    for (let n = 0; n < g.batch; n++) {
      sgemmStrided(O, ckk, L, dyv, n * O * L, L, false, xv, n * image, L, true, dw, 0, ckk, !first);
      first = false;
    }
  } else if (L > 0) {
    const R = bandRows(g, ckk);
    const cols = columns(ckk * R * g.outW);
    for (let n = 0; n < g.batch; n++) {
      for (let oh0 = 0; oh0 < g.outH; oh0 += R) {
        const oh1 = Math.min(g.outH, oh0 + R);
        const Lb = (oh1 - oh0) * g.outW;
        im2colRows(xv, n * image, g, cols, 0, oh0, oh1);
        sgemmStrided(
          O,
          ckk,
          Lb,
          dyv,
          n * O * L + oh0 * g.outW,
          L,
          false,
          cols,
          0,
          Lb,
          true,
          dw,
          0,
          ckk,
          !first,
        );
        first = false;
      }
    }
  }
  // No batch or no output positions: the gradient is an empty sum.
  if (first) dw.fill(0);
  if (xs.scratch) store.recycle(xv);
  if (ds.scratch) store.recycle(dyv);
  return store.register(dw);
}
