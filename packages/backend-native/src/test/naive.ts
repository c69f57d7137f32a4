/**
 * Plain float64 loops the kernel tests compare against. Written from the contract in
 * @tessera/core's kernels.ts, independently of the C++ code.
 */
import type { ConvGeometry } from '@tessera/core';

export function geometry(
  x: readonly [number, number, number, number],
  outC: number,
  kH: number,
  kW: number,
  o: {
    stride?: [number, number];
    pad?: [number, number, number, number];
    dilation?: [number, number];
  } = {},
): ConvGeometry {
  const [batch, inC, inH, inW] = x;
  const [strideH, strideW] = o.stride ?? [1, 1];
  const [padTop, padBottom, padLeft, padRight] = o.pad ?? [0, 0, 0, 0];
  const [dilationH, dilationW] = o.dilation ?? [1, 1];
  const outH = Math.floor((inH + padTop + padBottom - (dilationH * (kH - 1) + 1)) / strideH) + 1;
  const outW = Math.floor((inW + padLeft + padRight - (dilationW * (kW - 1) + 1)) / strideW) + 1;
  return {
    batch,
    inChannels: inC,
    inH,
    inW,
    outChannels: outC,
    kH,
    kW,
    strideH,
    strideW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    dilationH,
    dilationW,
    outH,
    outW,
  };
}

/** Calls f(n, c, oh, ow, i, j, h, w) for every tap of every window that lands inside the input. */
function taps(
  g: ConvGeometry,
  channels: number,
  f: (
    n: number,
    c: number,
    oh: number,
    ow: number,
    i: number,
    j: number,
    h: number,
    w: number,
  ) => void,
): void {
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < channels; c++)
      for (let oh = 0; oh < g.outH; oh++)
        for (let ow = 0; ow < g.outW; ow++)
          for (let i = 0; i < g.kH; i++)
            for (let j = 0; j < g.kW; j++) {
              const h = oh * g.strideH - g.padTop + i * g.dilationH;
              const w = ow * g.strideW - g.padLeft + j * g.dilationW;
              if (h >= 0 && h < g.inH && w >= 0 && w < g.inW) f(n, c, oh, ow, i, j, h, w);
            }
}

const xAt = (g: ConvGeometry, n: number, c: number, h: number, w: number) =>
  ((n * g.inChannels + c) * g.inH + h) * g.inW + w;
const yAt = (g: ConvGeometry, n: number, c: number, oh: number, ow: number, C = g.outChannels) =>
  ((n * C + c) * g.outH + oh) * g.outW + ow;
const wAt = (g: ConvGeometry, o: number, c: number, i: number, j: number) =>
  ((o * g.inChannels + c) * g.kH + i) * g.kW + j;

export function conv2d(g: ConvGeometry, x: ArrayLike<number>, wt: ArrayLike<number>): Float64Array {
  const y = new Float64Array(g.batch * g.outChannels * g.outH * g.outW);
  taps(g, g.inChannels, (n, c, oh, ow, i, j, h, w) => {
    for (let o = 0; o < g.outChannels; o++)
      y[yAt(g, n, o, oh, ow)] += x[xAt(g, n, c, h, w)] * wt[wAt(g, o, c, i, j)];
  });
  return y;
}

export function conv2dBackpropInput(
  g: ConvGeometry,
  dy: ArrayLike<number>,
  wt: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(g.batch * g.inChannels * g.inH * g.inW);
  taps(g, g.inChannels, (n, c, oh, ow, i, j, h, w) => {
    for (let o = 0; o < g.outChannels; o++)
      dx[xAt(g, n, c, h, w)] += dy[yAt(g, n, o, oh, ow)] * wt[wAt(g, o, c, i, j)];
  });
  return dx;
}

export function conv2dBackpropFilter(
  g: ConvGeometry,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): Float64Array {
  const dw = new Float64Array(g.outChannels * g.inChannels * g.kH * g.kW);
  taps(g, g.inChannels, (n, c, oh, ow, i, j, h, w) => {
    for (let o = 0; o < g.outChannels; o++)
      dw[wAt(g, o, c, i, j)] += x[xAt(g, n, c, h, w)] * dy[yAt(g, n, o, oh, ow)];
  });
  return dw;
}

export function im2col(g: ConvGeometry, x: ArrayLike<number>): Float64Array {
  const K = g.inChannels * g.kH * g.kW,
    L = g.outH * g.outW;
  const cols = new Float64Array(g.batch * K * L);
  taps(g, g.inChannels, (n, c, oh, ow, i, j, h, w) => {
    cols[(n * K + (c * g.kH + i) * g.kW + j) * L + oh * g.outW + ow] = x[xAt(g, n, c, h, w)];
  });
  return cols;
}

export function col2im(g: ConvGeometry, cols: ArrayLike<number>): Float64Array {
  const K = g.inChannels * g.kH * g.kW,
    L = g.outH * g.outW;
  const x = new Float64Array(g.batch * g.inChannels * g.inH * g.inW);
  taps(g, g.inChannels, (n, c, oh, ow, i, j, h, w) => {
    x[xAt(g, n, c, h, w)] += cols[(n * K + (c * g.kH + i) * g.kW + j) * L + oh * g.outW + ow];
  });
  return x;
}

/** Max pooling forward, and backward routing dy to the first maximum of each window. */
export function maxPool(
  g: ConvGeometry,
  x: ArrayLike<number>,
  dy?: ArrayLike<number>,
): { y: Float64Array; dx: Float64Array } {
  const y = new Float64Array(g.batch * g.inChannels * g.outH * g.outW).fill(-Infinity);
  const arg = new Int32Array(y.length).fill(-1);
  taps(g, g.inChannels, (n, c, oh, ow, _i, _j, h, w) => {
    const o = yAt(g, n, c, oh, ow, g.inChannels);
    const v = x[xAt(g, n, c, h, w)];
    if (arg[o] < 0 || v > y[o]) {
      y[o] = v;
      arg[o] = xAt(g, n, c, h, w);
    }
  });
  const dx = new Float64Array(x.length);
  if (dy) for (let o = 0; o < y.length; o++) if (arg[o] >= 0) dx[arg[o]] += dy[o];
  return { y, dx };
}

export function avgPool(
  g: ConvGeometry,
  x: ArrayLike<number>,
  dy?: ArrayLike<number>,
): { y: Float64Array; dx: Float64Array } {
  const y = new Float64Array(g.batch * g.inChannels * g.outH * g.outW);
  const dx = new Float64Array(x.length);
  const area = g.kH * g.kW;
  taps(g, g.inChannels, (n, c, oh, ow, _i, _j, h, w) => {
    const o = yAt(g, n, c, oh, ow, g.inChannels);
    y[o] += x[xAt(g, n, c, h, w)] / area;
    if (dy) dx[xAt(g, n, c, h, w)] += dy[o] / area;
  });
  return { y, dx };
}

export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ta: boolean,
  tb: boolean,
  batch: number,
  batchA: number,
  batchB: number,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = (batchA === 1 ? 0 : t) * m * k,
      bo = (batchB === 1 ? 0 : t) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++)
          s +=
            (ta ? a[ao + p * m + i] : a[ao + i * k + p]) *
            (tb ? b[bo + j * k + p] : b[bo + p * n + j]);
        out[(t * m + i) * n + j] = s;
      }
  }
  return out;
}
