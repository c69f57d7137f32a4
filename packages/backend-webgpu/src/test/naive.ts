/**
 * Independent naive references for the kernel tests: the plainest loops, in float64, written
 * without looking at the shaders. Shapes are row-major.
 */
import type { ConvGeometry } from '@tessera/core';

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Flat index into `shape` of an output coordinate, broadcasting size-1 dims (right-aligned). */
export function broadcastAt(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  const off = idx.length - shape.length;
  for (let d = 0; d < shape.length; d++)
    flat = flat * shape[d] + (shape[d] === 1 ? 0 : idx[off + d]);
  return flat;
}

export function broadcast2(
  a: readonly number[],
  aShape: readonly number[],
  b: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < sizeOf(outShape); i++) {
    const idx = unravel(i, outShape);
    out.push(f(a[broadcastAt(idx, aShape)], b[broadcastAt(idx, bShape)]));
  }
  return out;
}

export function matmul(
  a: readonly number[],
  b: readonly number[],
  o: {
    batch: number;
    batchA: number;
    batchB: number;
    m: number;
    n: number;
    k: number;
    ta: boolean;
    tb: boolean;
  },
): number[] {
  const out: number[] = [];
  for (let t = 0; t < o.batch; t++) {
    const ao = (o.batchA === 1 ? 0 : t) * o.m * o.k;
    const bo = (o.batchB === 1 ? 0 : t) * o.k * o.n;
    for (let i = 0; i < o.m; i++)
      for (let j = 0; j < o.n; j++) {
        let s = 0;
        for (let p = 0; p < o.k; p++) {
          s +=
            (o.ta ? a[ao + p * o.m + i] : a[ao + i * o.k + p]) *
            (o.tb ? b[bo + j * o.k + p] : b[bo + p * o.n + j]);
        }
        out.push(s);
      }
  }
  return out;
}

export function geometry(o: {
  batch: number;
  C: number;
  H: number;
  W: number;
  outC?: number;
  k: [number, number];
  stride?: [number, number];
  pad?: [number, number, number, number];
  dilation?: [number, number];
}): ConvGeometry {
  const [kH, kW] = o.k;
  const [sH, sW] = o.stride ?? [1, 1];
  const [pt, pb, pl, pr] = o.pad ?? [0, 0, 0, 0];
  const [dH, dW] = o.dilation ?? [1, 1];
  return {
    batch: o.batch,
    inChannels: o.C,
    inH: o.H,
    inW: o.W,
    outChannels: o.outC ?? o.C,
    kH,
    kW,
    strideH: sH,
    strideW: sW,
    padTop: pt,
    padBottom: pb,
    padLeft: pl,
    padRight: pr,
    dilationH: dH,
    dilationW: dW,
    outH: Math.floor((o.H + pt + pb - dH * (kH - 1) - 1) / sH) + 1,
    outW: Math.floor((o.W + pl + pr - dW * (kW - 1) - 1) / sW) + 1,
  };
}

/** Visit every (n, c-independent) window tap inside the image: fn(oh, ow, i, j, h, w). */
export function taps(
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

const X = (g: ConvGeometry, n: number, c: number, h: number, w: number) =>
  ((n * g.inChannels + c) * g.inH + h) * g.inW + w;
const Y = (g: ConvGeometry, n: number, o: number, oh: number, ow: number, ch: number) =>
  ((n * ch + o) * g.outH + oh) * g.outW + ow;
const F = (g: ConvGeometry, o: number, c: number, i: number, j: number) =>
  ((o * g.inChannels + c) * g.kH + i) * g.kW + j;

export function conv2d(x: readonly number[], w: readonly number[], g: ConvGeometry): number[] {
  const y = new Array<number>(g.batch * g.outChannels * g.outH * g.outW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let c = 0; c < g.inChannels; c++)
        taps(
          g,
          (oh, ow, i, j, h, ww) =>
            (y[Y(g, n, o, oh, ow, g.outChannels)] += x[X(g, n, c, h, ww)] * w[F(g, o, c, i, j)]),
        );
  return y;
}

export function conv2dBackpropInput(
  dy: readonly number[],
  w: readonly number[],
  g: ConvGeometry,
): number[] {
  const dx = new Array<number>(g.batch * g.inChannels * g.inH * g.inW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let c = 0; c < g.inChannels; c++)
        taps(
          g,
          (oh, ow, i, j, h, ww) =>
            (dx[X(g, n, c, h, ww)] += dy[Y(g, n, o, oh, ow, g.outChannels)] * w[F(g, o, c, i, j)]),
        );
  return dx;
}

export function conv2dBackpropFilter(
  x: readonly number[],
  dy: readonly number[],
  g: ConvGeometry,
): number[] {
  const dw = new Array<number>(g.outChannels * g.inChannels * g.kH * g.kW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let c = 0; c < g.inChannels; c++)
        taps(
          g,
          (oh, ow, i, j, h, ww) =>
            (dw[F(g, o, c, i, j)] += x[X(g, n, c, h, ww)] * dy[Y(g, n, o, oh, ow, g.outChannels)]),
        );
  return dw;
}

export function im2col(x: readonly number[], g: ConvGeometry): number[] {
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const out = new Array<number>(g.batch * rows * L).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      taps(
        g,
        (oh, ow, i, j, h, w) =>
          (out[(n * rows + (c * g.kH + i) * g.kW + j) * L + oh * g.outW + ow] =
            x[X(g, n, c, h, w)]),
      );
  return out;
}

export function col2im(cols: readonly number[], g: ConvGeometry): number[] {
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const out = new Array<number>(g.batch * g.inChannels * g.inH * g.inW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      taps(
        g,
        (oh, ow, i, j, h, w) =>
          (out[X(g, n, c, h, w)] +=
            cols[(n * rows + (c * g.kH + i) * g.kW + j) * L + oh * g.outW + ow]),
      );
  return out;
}

export function maxPool(x: readonly number[], g: ConvGeometry): { y: number[]; arg: number[] } {
  const size = g.batch * g.inChannels * g.outH * g.outW;
  const y = new Array<number>(size).fill(-Infinity);
  const arg = new Array<number>(size).fill(-1);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      taps(g, (oh, ow, _i, _j, h, w) => {
        const o = Y(g, n, c, oh, ow, g.inChannels);
        const v = x[X(g, n, c, h, w)];
        if (arg[o] < 0 || v > y[o]) {
          y[o] = v;
          arg[o] = X(g, n, c, h, w);
        }
      });
  return { y, arg };
}

export function maxPoolBackward(
  x: readonly number[],
  dy: readonly number[],
  g: ConvGeometry,
): number[] {
  const { arg } = maxPool(x, g);
  const dx = new Array<number>(x.length).fill(0);
  arg.forEach((at, o) => {
    if (at >= 0) dx[at] += dy[o];
  });
  return dx;
}

export function avgPool(x: readonly number[], g: ConvGeometry): number[] {
  const y = new Array<number>(g.batch * g.inChannels * g.outH * g.outW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      taps(
        g,
        (oh, ow, _i, _j, h, w) =>
          (y[Y(g, n, c, oh, ow, g.inChannels)] += x[X(g, n, c, h, w)] / (g.kH * g.kW)),
      );
  return y;
}

export function avgPoolBackward(dy: readonly number[], g: ConvGeometry): number[] {
  const dx = new Array<number>(g.batch * g.inChannels * g.inH * g.inW).fill(0);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      taps(
        g,
        (oh, ow, _i, _j, h, w) =>
          (dx[X(g, n, c, h, w)] += dy[Y(g, n, c, oh, ow, g.inChannels)] / (g.kH * g.kW)),
      );
  return dx;
}

/** Row-wise log-sum-exp with the max subtracted first. */
export function logSumExp(row: readonly number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}

export function rows(x: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length; i += size) out.push(x.slice(i, i + size));
  return out;
}
