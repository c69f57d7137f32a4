import { afterAll, describe, it } from 'vitest';
import {
  TEST_TILES,
  expectClose,
  f32,
  openBackend,
  random,
  tensor,
  values,
} from '../test/harness.js';
import * as naive from '../test/naive.js';

const backends = await Promise.all(
  TEST_TILES.map(([, gemmTile]) => openBackend({ tuning: { gemmTile } })),
);
afterAll(() => backends.forEach((b) => b?.destroy()));

// Small geometries covering stride, asymmetric ('same', even kernel) padding and dilation.
const GEOMETRIES = [
  naive.geometry({ batch: 2, C: 3, H: 7, W: 6, outC: 4, k: [3, 3] }),
  naive.geometry({
    batch: 1,
    C: 2,
    H: 8,
    W: 8,
    outC: 3,
    k: [3, 3],
    stride: [2, 2],
    pad: [1, 1, 1, 1],
  }),
  naive.geometry({ batch: 2, C: 1, H: 6, W: 7, outC: 2, k: [4, 2], pad: [1, 2, 0, 1] }),
  naive.geometry({
    batch: 1,
    C: 2,
    H: 9,
    W: 9,
    outC: 2,
    k: [3, 2],
    stride: [2, 3],
    dilation: [2, 2],
    pad: [2, 2, 1, 1],
  }),
  naive.geometry({ batch: 3, C: 5, H: 5, W: 5, outC: 33, k: [1, 1] }),
  // LeNet's first layer shape: the filter gradient has K = 3*20*20 and splits K.
  naive.geometry({ batch: 3, C: 1, H: 20, W: 20, outC: 3, k: [5, 5], pad: [2, 2, 2, 2] }),
];

const label = (g: (typeof GEOMETRIES)[number]) =>
  `x [${g.batch},${g.inChannels},${g.inH},${g.inW}] w [${g.outChannels},${g.inChannels},${g.kH},${g.kW}] ` +
  `stride ${g.strideH},${g.strideW} pad ${g.padTop},${g.padBottom},${g.padLeft},${g.padRight} dilation ${g.dilationH},${g.dilationW}`;

describe.skipIf(!backends[0]).each(TEST_TILES.map(([name], i) => [name, i] as const))(
  'convolution kernels, %s GEMM tile',
  (_, i) => {
    const b = backends[i]!;
    for (const g of GEOMETRIES) {
      const xShape = [g.batch, g.inChannels, g.inH, g.inW];
      const wShape = [g.outChannels, g.inChannels, g.kH, g.kW];
      const yShape = [g.batch, g.outChannels, g.outH, g.outW];
      const x = random(naive.sizeOf(xShape), 1).map(f32);
      const w = random(naive.sizeOf(wShape), 2).map(f32);
      const dy = random(naive.sizeOf(yShape), 3).map(f32);

      it(`Conv2D ${label(g)}`, async () => {
        const y = b.kernels.Conv2D!({ x: tensor(b, x, xShape), w: tensor(b, w, wShape), geom: g });
        expectClose(await values(b, y), naive.conv2d(x, w, g), 1e-5);
      });
      it(`Conv2DBackpropInput ${label(g)}`, async () => {
        const dx = b.kernels.Conv2DBackpropInput!({
          dy: tensor(b, dy, yShape),
          w: tensor(b, w, wShape),
          geom: g,
        });
        expectClose(await values(b, dx), naive.conv2dBackpropInput(dy, w, g), 1e-5);
      });
      it(`Conv2DBackpropFilter ${label(g)}`, async () => {
        const dw = b.kernels.Conv2DBackpropFilter!({
          x: tensor(b, x, xShape),
          dy: tensor(b, dy, yShape),
          geom: g,
        });
        expectClose(await values(b, dw), naive.conv2dBackpropFilter(x, dy, g), 1e-5);
      });
      it(`Im2Col and Col2Im ${label(g)}`, async () => {
        const cols = b.kernels.Im2Col({ x: tensor(b, x, xShape), geom: g });
        expectClose(Array.from(await b.read(cols)), naive.im2col(x, g), 0);
        const colShape = [g.batch, g.inChannels * g.kH * g.kW, g.outH * g.outW];
        const back = b.kernels.Col2Im({
          cols: { dataId: cols, shape: colShape, dtype: 'float32' },
          geom: g,
        });
        b.disposeData(cols);
        const c = random(naive.sizeOf(colShape), 4).map(f32);
        const back2 = b.kernels.Col2Im({ cols: tensor(b, c, colShape), geom: g });
        expectClose(await values(b, back), naive.col2im(naive.im2col(x, g), g), 1e-5);
        expectClose(await values(b, back2), naive.col2im(c, g), 1e-5);
      });
    }
  },
);
