import type { ConvGeometry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import {
  expectClose,
  geometry,
  GEOMETRIES,
  put,
  randF32,
  run,
  testBackend,
} from '../test-utils.js';

/** Calls fn for every tap of every window that lands inside the image (direct convolution). */
function taps(
  g: ConvGeometry,
  fn: (
    n: number,
    o: number,
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
    for (let o = 0; o < g.outChannels; o++)
      for (let c = 0; c < g.inChannels; c++)
        for (let oh = 0; oh < g.outH; oh++)
          for (let ow = 0; ow < g.outW; ow++)
            for (let i = 0; i < g.kH; i++)
              for (let j = 0; j < g.kW; j++) {
                const h = oh * g.strideH - g.padTop + i * g.dilationH;
                const w = ow * g.strideW - g.padLeft + j * g.dilationW;
                if (h >= 0 && h < g.inH && w >= 0 && w < g.inW) fn(n, o, c, oh, ow, i, j, h, w);
              }
}

const xAt = (g: ConvGeometry, n: number, c: number, h: number, w: number) =>
  ((n * g.inChannels + c) * g.inH + h) * g.inW + w;
const yAt = (g: ConvGeometry, n: number, o: number, oh: number, ow: number) =>
  ((n * g.outChannels + o) * g.outH + oh) * g.outW + ow;
const wAt = (g: ConvGeometry, o: number, c: number, i: number, j: number) =>
  ((o * g.inChannels + c) * g.kH + i) * g.kW + j;

function checkConv(g: ConvGeometry, seed: number): void {
  const b = testBackend();
  const xs = [g.batch, g.inChannels, g.inH, g.inW];
  const ws = [g.outChannels, g.inChannels, g.kH, g.kW];
  const ys = [g.batch, g.outChannels, g.outH, g.outW];
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const xv = randF32(size(xs), seed);
  const wv = randF32(size(ws), seed + 1);
  const dyv = randF32(size(ys), seed + 2);
  const y = new Float64Array(size(ys));
  const dx = new Float64Array(size(xs));
  const dw = new Float64Array(size(ws));
  taps(g, (n, o, c, oh, ow, i, j, h, w) => {
    y[yAt(g, n, o, oh, ow)] += xv[xAt(g, n, c, h, w)] * wv[wAt(g, o, c, i, j)];
    dx[xAt(g, n, c, h, w)] += dyv[yAt(g, n, o, oh, ow)] * wv[wAt(g, o, c, i, j)];
    dw[wAt(g, o, c, i, j)] += dyv[yAt(g, n, o, oh, ow)] * xv[xAt(g, n, c, h, w)];
  });
  const x = put(b, xv, xs);
  const wt = put(b, wv, ws);
  const dy = put(b, dyv, ys);
  expectClose(run(b, 'Conv2D', { x, w: wt, geom: g }), y);
  expectClose(run(b, 'Conv2DBackpropInput', { dy, w: wt, geom: g }), dx);
  expectClose(run(b, 'Conv2DBackpropFilter', { x, dy, geom: g }), dw);
  for (const t of [x, wt, dy]) b.disposeData(t.dataId);
  expect(b.memory().numBytes).toBe(0);
}

describe('Conv2D and its backprops', () => {
  it.each(GEOMETRIES.map((g, i) => [i, g] as const))('geometry %i matches direct loops', (i, g) => {
    checkConv({ ...g, outChannels: 1 + (i % 4) }, 10 * i);
  });

  it('pointwise (1x1, stride 1) path with a batch', () => {
    checkConv(
      geometry({ batch: 3, inChannels: 5, inH: 4, inW: 7, outChannels: 6, kH: 1, kW: 1 }),
      3,
    );
  });

  it('column bands (image larger than one band), odd sizes', () => {
    checkConv(
      geometry({
        batch: 2,
        inChannels: 16,
        inH: 41,
        inW: 66,
        outChannels: 3,
        kH: 3,
        kW: 3,
        pad: [0, 1, 1, 0],
      }),
      5,
    );
  });

  it('the MNIST-style first layer (1 channel, 5x5, valid)', () => {
    checkConv(
      geometry({ batch: 2, inChannels: 1, inH: 28, inW: 28, outChannels: 4, kH: 5, kW: 5 }),
      7,
    );
  });
});
