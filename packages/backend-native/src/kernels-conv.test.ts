/**
 * Convolution, im2col/col2im and pooling kernels against plain float64 loops, on geometries that
 * reach every path of ops_conv.cc: the direct 1x1 GEMM, several L2-sized row bands per image,
 * stride/dilation/asymmetric padding, and both threading plans (batch split over threads with
 * single-threaded BLAS, and one image at a time with threaded BLAS) at 1 and 2 threads.
 */
import type { ConvGeometry, DataId } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeBackend } from './native-backend.js';
import * as naive from './test/naive.js';
import { input, maxRelErr, native, randomValues, skipNative } from './test/setup.js';

const TOL = 1e-4;

interface Case {
  name: string;
  x: [number, number, number, number];
  outC: number;
  k: [number, number];
  opts?: Parameters<typeof naive.geometry>[4];
}

const cases: Case[] = [
  { name: '1x1 direct', x: [2, 8, 9, 7], outC: 5, k: [1, 1] },
  {
    name: '1x1 with stride (im2col path)',
    x: [2, 4, 9, 7],
    outC: 3,
    k: [1, 1],
    opts: { stride: [2, 2] },
  },
  {
    // 32 channels x 3x3 = 288 taps per output each way: past the direct path's limit (256).
    name: '3x3 pad 1, many row bands (im2col path)',
    x: [2, 32, 40, 64],
    outC: 32,
    k: [3, 3],
    opts: { pad: [1, 1, 1, 1] },
  },
  {
    name: 'direct path: 3x3 pad 1, 16 -> 8 channels',
    x: [2, 16, 20, 23],
    outC: 8,
    k: [3, 3],
    opts: { pad: [1, 1, 1, 1] },
  },
  {
    name: 'direct path: LeNet conv2 shape (forward direct, input gradient via im2col)',
    x: [3, 6, 14, 14],
    outC: 16,
    k: [5, 5],
  },
  {
    name: 'direct path: same padding 5x5, 6 output channels (a block of 4, then 2 single ones)',
    x: [2, 1, 28, 28],
    outC: 6,
    k: [5, 5],
    opts: { pad: [2, 2, 2, 2] },
  },
  {
    name: 'direct path: padding = kernel - 1 on every side',
    x: [2, 2, 7, 5],
    outC: 5,
    k: [3, 3],
    opts: { pad: [2, 2, 2, 2] },
  },
  {
    name: 'padding past kernel - 1 (im2col path)',
    x: [1, 2, 6, 6],
    outC: 3,
    k: [3, 3],
    opts: { pad: [3, 3, 3, 3] },
  },
  {
    name: 'batch 1 (threaded BLAS, panel filled by channel)',
    x: [1, 16, 40, 64],
    outC: 8,
    k: [3, 3],
    opts: { pad: [1, 1, 1, 1] },
  },
  {
    name: 'batch 3 over 2 threads',
    x: [3, 3, 11, 13],
    outC: 4,
    k: [3, 2],
    opts: { pad: [1, 0, 0, 1] },
  },
  {
    name: 'stride 2, dilation 2, asymmetric padding',
    x: [2, 3, 13, 12],
    outC: 4,
    k: [3, 3],
    opts: { stride: [2, 2], dilation: [2, 2], pad: [2, 1, 0, 3] },
  },
  { name: '5x5 valid (conv case A shape, small batch)', x: [4, 1, 28, 28], outC: 6, k: [5, 5] },
];

function read(b: NativeBackend, id: DataId): Float32Array {
  return b.readSync(id) as Float32Array;
}

for (const threads of [1, 2]) {
  describe.skipIf(skipNative)(`convolution kernels, ${threads} thread(s)`, () => {
    let b: NativeBackend;
    beforeAll(() => {
      b = new NativeBackend(native().addon, threads, `native-${threads}`);
    });
    afterAll(() => {
      b.destroy();
      native().addon.setNumThreads(native().numThreads);
    });

    for (const c of cases) {
      it(c.name, () => {
        const g: ConvGeometry = naive.geometry(c.x, c.outC, c.k[0], c.k[1], c.opts);
        const xv = randomValues(g.batch * g.inChannels * g.inH * g.inW, 1);
        const wv = randomValues(g.outChannels * g.inChannels * g.kH * g.kW, 2);
        const dyv = randomValues(g.batch * g.outChannels * g.outH * g.outW, 3);
        const x = input(xv, c.x, 'float32', b);
        const w = input(wv, [g.outChannels, g.inChannels, g.kH, g.kW], 'float32', b);
        const dy = input(dyv, [g.batch, g.outChannels, g.outH, g.outW], 'float32', b);
        const y = b.kernels.Conv2D!({ x, w, geom: g });
        const dx = b.kernels.Conv2DBackpropInput!({ dy, w, geom: g });
        const dw = b.kernels.Conv2DBackpropFilter!({ x, dy, geom: g });
        expect(maxRelErr(read(b, y), naive.conv2d(g, xv, wv))).toBeLessThan(TOL);
        expect(maxRelErr(read(b, dx), naive.conv2dBackpropInput(g, dyv, wv))).toBeLessThan(TOL);
        expect(maxRelErr(read(b, dw), naive.conv2dBackpropFilter(g, xv, dyv))).toBeLessThan(TOL);
        for (const id of [x.dataId, w.dataId, dy.dataId, y, dx, dw]) b.disposeData(id);
      });
    }

    it('im2col and col2im', () => {
      const g = naive.geometry([2, 3, 9, 8], 1, 3, 2, {
        stride: [2, 1],
        dilation: [1, 2],
        pad: [1, 2, 2, 0],
      });
      const xv = randomValues(2 * 3 * 9 * 8, 4);
      const x = input(xv, [2, 3, 9, 8], 'float32', b);
      const cols = b.kernels.Im2Col({ x, geom: g });
      const colsV = read(b, cols);
      expect(maxRelErr(colsV, naive.im2col(g, xv))).toBe(0);
      const cshape = [g.batch, g.inChannels * g.kH * g.kW, g.outH * g.outW];
      const back = b.kernels.Col2Im({
        cols: { dataId: cols, shape: cshape, dtype: 'float32' },
        geom: g,
      });
      expect(maxRelErr(read(b, back), naive.col2im(g, colsV))).toBeLessThan(TOL);
      for (const id of [x.dataId, cols, back]) b.disposeData(id);
    });

    it('int32 im2col/col2im move integers exactly (and col2im wraps)', () => {
      const g = naive.geometry([1, 1, 3, 3], 1, 2, 2);
      const x = input([1, 2, 3, 4, 2147483647, 6, 7, 8, 9], [1, 1, 3, 3], 'int32', b);
      const cols = b.kernels.Im2Col({ x, geom: g });
      expect(Array.from(b.readSync(cols))).toEqual(
        Array.from(naive.im2col(g, [1, 2, 3, 4, 2147483647, 6, 7, 8, 9])),
      );
      const back = b.kernels.Col2Im({
        cols: { dataId: cols, shape: [1, 4, 4], dtype: 'int32' },
        geom: g,
      });
      const got = b.readSync(back);
      expect(got).toBeInstanceOf(Int32Array);
      expect(got[4]).toBe((2147483647 * 4) | 0); // the centre is in all four windows
      for (const id of [x.dataId, cols, back]) b.disposeData(id);
    });

    const pools: [
      string,
      [number, number, number, number],
      number,
      number,
      Parameters<typeof naive.geometry>[4],
    ][] = [
      ['3x2 windows, stride 2, padding', [2, 3, 7, 6], 3, 2, { stride: [2, 2], pad: [1, 1, 1, 0] }],
      ['2x2 stride 2 (the fast path), even size', [2, 3, 8, 6], 2, 2, { stride: [2, 2] }],
      [
        '2x2 stride 2, odd size (last row and column unused)',
        [1, 2, 7, 9],
        2,
        2,
        { stride: [2, 2] },
      ],
      [
        // 'same' padding of an odd size: the last window hangs over the bottom and right edges.
        '2x2 stride 2, padding reached on the bottom and right (general path)',
        [2, 2, 7, 7],
        2,
        2,
        { stride: [2, 2], pad: [0, 1, 0, 1] },
      ],
      [
        '3x3 stride 2 pad 1 (overlapping windows)',
        [1, 2, 9, 9],
        3,
        3,
        { stride: [2, 2], pad: [1, 1, 1, 1] },
      ],
    ];
    it.each(pools)(
      'max and avg pooling, %s: forward and backward, ties to the first maximum',
      (_, xs, kh, kw, opts) => {
        const g = naive.geometry(xs, xs[1], kh, kw, opts);
        const size = xs.reduce((p, d) => p * d, 1);
        const xv = randomValues(size, 5).map((v) => Math.round(v * 3) / 3); // many ties
        const dyv = randomValues(g.batch * xs[1] * g.outH * g.outW, 6);
        const x = input(xv, xs, 'float32', b);
        const dy = input(dyv, [xs[0], xs[1], g.outH, g.outW], 'float32', b);
        const mp = naive.maxPool(g, xv, dyv);
        const ap = naive.avgPool(g, xv, dyv);
        const ids = [
          b.kernels.MaxPool!({ x, geom: g }),
          b.kernels.MaxPoolBackward!({ x, dy, geom: g }),
          b.kernels.AvgPool!({ x, geom: g }),
          b.kernels.AvgPoolBackward!({ dy, geom: g }),
        ];
        expect(maxRelErr(read(b, ids[0]), mp.y)).toBe(0);
        expect(maxRelErr(read(b, ids[1]), mp.dx)).toBeLessThan(TOL);
        expect(maxRelErr(read(b, ids[2]), ap.y)).toBeLessThan(TOL);
        expect(maxRelErr(read(b, ids[3]), ap.dx)).toBeLessThan(TOL);
        for (const id of [x.dataId, dy.dataId, ...ids]) b.disposeData(id);
      },
    );
  });
}
