/**
 * Float64 reference versions of the OPTIONAL (fused) kernels, as direct loops: direct
 * convolution, direct pooling, row-wise softmax. They share no code with core's composite
 * fallbacks (im2col + GEMM, im2col + reduce, ...), so running the conformance suite with and
 * without them makes each check the other.
 */
import type {
  ConvGeometry,
  DataId,
  KernelSignatures,
  OptionalKernelName,
} from '../backend/kernels.js';
import type { RefStore, RefValues } from './reference-store.js';
import { sizeOfShape, unravel } from './reference-store.js';

type Optional = Pick<KernelSignatures, OptionalKernelName>;

/** Calls fn(oh, ow, i, j, h, w) for every window tap that lands inside the image. */
function forEachTap(
  g: ConvGeometry,
  fn: (oh: number, ow: number, i: number, j: number, h: number, w: number) => void,
): void {
  for (let oh = 0; oh < g.outH; oh++)
    for (let ow = 0; ow < g.outW; ow++)
      for (let i = 0; i < g.kH; i++)
        for (let j = 0; j < g.kW; j++) {
          const h = oh * g.strideH - g.padTop + i * g.dilationH;
          const w = ow * g.strideW - g.padLeft + j * g.dilationW;
          if (h >= 0 && h < g.inH && w >= 0 && w < g.inW) fn(oh, ow, i, j, h, w);
        }
}

/** Index helpers for NCHW images and OIHW filters. */
const img = (g: ConvGeometry, n: number, c: number, h: number, w: number) =>
  ((n * g.inChannels + c) * g.inH + h) * g.inW + w;
const outAt = (g: ConvGeometry, n: number, o: number, oh: number, ow: number, channels: number) =>
  ((n * channels + o) * g.outH + oh) * g.outW + ow;
const filt = (g: ConvGeometry, o: number, c: number, i: number, j: number) =>
  ((o * g.inChannels + c) * g.kH + i) * g.kW + j;

function logSumExp(x: RefValues, start: number, size: number): number {
  let m = -Infinity;
  for (let i = 0; i < size; i++) m = Math.max(m, x[start + i]);
  if (m === -Infinity || Number.isNaN(m)) return m;
  let s = 0;
  for (let i = 0; i < size; i++) s += Math.exp(x[start + i] - m);
  return m + Math.log(s);
}

export function fusedKernels(store: RefStore): Optional {
  const f64 = (size: number) => store.alloc('float32', size);

  return {
    Conv2D({ x, w, geom: g }): DataId {
      const xv = store.values(x);
      const wv = store.values(w);
      const y = f64(g.batch * g.outChannels * g.outH * g.outW);
      for (let n = 0; n < g.batch; n++)
        for (let o = 0; o < g.outChannels; o++)
          for (let c = 0; c < g.inChannels; c++)
            forEachTap(g, (oh, ow, i, j, h, ww) => {
              y.values[outAt(g, n, o, oh, ow, g.outChannels)] +=
                xv[img(g, n, c, h, ww)] * wv[filt(g, o, c, i, j)];
            });
      return y;
    },

    Conv2DBackpropInput({ dy, w, geom: g }): DataId {
      const dyv = store.values(dy);
      const wv = store.values(w);
      const dx = f64(g.batch * g.inChannels * g.inH * g.inW);
      for (let n = 0; n < g.batch; n++)
        for (let o = 0; o < g.outChannels; o++)
          for (let c = 0; c < g.inChannels; c++)
            forEachTap(g, (oh, ow, i, j, h, ww) => {
              dx.values[img(g, n, c, h, ww)] +=
                dyv[outAt(g, n, o, oh, ow, g.outChannels)] * wv[filt(g, o, c, i, j)];
            });
      return dx;
    },

    Conv2DBackpropFilter({ x, dy, geom: g }): DataId {
      const xv = store.values(x);
      const dyv = store.values(dy);
      const dw = f64(g.outChannels * g.inChannels * g.kH * g.kW);
      for (let n = 0; n < g.batch; n++)
        for (let o = 0; o < g.outChannels; o++)
          for (let c = 0; c < g.inChannels; c++)
            forEachTap(g, (oh, ow, i, j, h, ww) => {
              dw.values[filt(g, o, c, i, j)] +=
                xv[img(g, n, c, h, ww)] * dyv[outAt(g, n, o, oh, ow, g.outChannels)];
            });
      return dw;
    },

    BiasAdd({ x, bias, outer, channels, inner, relu }): DataId {
      const xv = store.values(x);
      const bv = store.values(bias);
      const y = f64(xv.length);
      for (let o = 0; o < outer; o++)
        for (let c = 0; c < channels; c++)
          for (let i = 0; i < inner; i++) {
            const at = (o * channels + c) * inner + i;
            const v = xv[at] + bv[c];
            y.values[at] = relu ? (v > 0 ? v : 0) : v;
          }
      return y;
    },

    Softmax({ x, outer, size }): DataId {
      const xv = store.values(x);
      const y = f64(outer * size);
      for (let r = 0; r < outer; r++) {
        const lse = logSumExp(xv, r * size, size);
        for (let i = 0; i < size; i++) y.values[r * size + i] = Math.exp(xv[r * size + i] - lse);
      }
      return y;
    },

    LogSoftmax({ x, outer, size }): DataId {
      const xv = store.values(x);
      const y = f64(outer * size);
      for (let r = 0; r < outer; r++) {
        const lse = logSumExp(xv, r * size, size);
        for (let i = 0; i < size; i++) y.values[r * size + i] = xv[r * size + i] - lse;
      }
      return y;
    },

    SoftmaxCrossEntropy({ logits, labels }): DataId {
      const lv = store.values(logits);
      const yv = store.values(labels);
      const [n, k] = logits.shape;
      const loss = f64(n);
      for (let r = 0; r < n; r++) {
        const label = yv[r];
        loss.values[r] =
          label >= 0 && label < k ? logSumExp(lv, r * k, k) - lv[r * k + label] : NaN;
      }
      return loss;
    },

    SoftmaxCrossEntropyGrad({ logits, labels, dy }): DataId {
      const lv = store.values(logits);
      const yv = store.values(labels);
      const dyv = store.values(dy);
      const [n, k] = logits.shape;
      const g = f64(n * k);
      for (let r = 0; r < n; r++) {
        const label = yv[r];
        const valid = label >= 0 && label < k;
        const lse = logSumExp(lv, r * k, k);
        for (let i = 0; i < k; i++) {
          const p = Math.exp(lv[r * k + i] - lse);
          g.values[r * k + i] = valid ? (p - (i === label ? 1 : 0)) * dyv[r] : NaN;
        }
      }
      return g;
    },

    MaxPool({ x, geom: g }): DataId {
      const xv = store.values(x);
      const y = f64(g.batch * g.inChannels * g.outH * g.outW);
      y.values.fill(-Infinity);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++)
          forEachTap(g, (oh, ow, _i, _j, h, w) => {
            const at = outAt(g, n, c, oh, ow, g.inChannels);
            y.values[at] = Math.max(y.values[at], xv[img(g, n, c, h, w)]);
          });
      return y;
    },

    MaxPoolBackward({ x, dy, geom: g }): DataId {
      const xv = store.values(x);
      const dyv = store.values(dy);
      const dx = f64(xv.length);
      const best = new Float64Array(g.outH * g.outW);
      const where = new Int32Array(g.outH * g.outW);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++) {
          best.fill(-Infinity);
          where.fill(-1);
          // Taps come in window order (row-major), so a strict '>' keeps the first maximum.
          forEachTap(g, (oh, ow, _i, _j, h, w) => {
            const v = xv[img(g, n, c, h, w)];
            const o = oh * g.outW + ow;
            if (v > best[o] || where[o] < 0) {
              best[o] = v;
              where[o] = img(g, n, c, h, w);
            }
          });
          for (let o = 0; o < where.length; o++) {
            if (where[o] >= 0)
              dx.values[where[o]] += dyv[(n * g.inChannels + c) * where.length + o];
          }
        }
      return dx;
    },

    AvgPool({ x, geom: g }): DataId {
      const xv = store.values(x);
      const y = f64(g.batch * g.inChannels * g.outH * g.outW);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++)
          forEachTap(g, (oh, ow, _i, _j, h, w) => {
            y.values[outAt(g, n, c, oh, ow, g.inChannels)] +=
              xv[img(g, n, c, h, w)] / (g.kH * g.kW);
          });
      return y;
    },

    AvgPoolBackward({ dy, geom: g }): DataId {
      const dyv = store.values(dy);
      const dx = f64(g.batch * g.inChannels * g.inH * g.inW);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++)
          forEachTap(g, (oh, ow, _i, _j, h, w) => {
            dx.values[img(g, n, c, h, w)] +=
              dyv[outAt(g, n, c, oh, ow, g.inChannels)] / (g.kH * g.kW);
          });
      return dx;
    },

    Concat({ xs, axis, outShape }): DataId {
      const y = store.alloc(xs[0].dtype, sizeOfShape(outShape));
      let offset = 0;
      for (const x of xs) {
        const xv = store.values(x);
        for (let i = 0; i < xv.length; i++) {
          const idx = unravel(i, x.shape);
          idx[axis] += offset;
          let flat = 0;
          for (let d = 0; d < outShape.length; d++) flat = flat * outShape[d] + idx[d];
          y.values[flat] = xv[i];
        }
        offset += x.shape[axis];
      }
      return y;
    },
  };
}
