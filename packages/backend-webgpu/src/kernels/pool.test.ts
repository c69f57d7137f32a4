import { afterAll, describe, it } from 'vitest';
import { expectClose, f32, openBackend, random, tensor, values } from '../test/harness.js';
import * as naive from '../test/naive.js';

const be = await openBackend();
afterAll(() => be?.destroy());

const GEOMETRIES = [
  naive.geometry({ batch: 2, C: 3, H: 6, W: 6, k: [2, 2], stride: [2, 2] }),
  naive.geometry({ batch: 1, C: 2, H: 7, W: 5, k: [3, 3], stride: [2, 1], pad: [1, 1, 1, 1] }),
  naive.geometry({ batch: 1, C: 1, H: 5, W: 6, k: [2, 3], stride: [1, 2], pad: [0, 1, 1, 1] }),
  naive.geometry({ batch: 2, C: 2, H: 4, W: 4, k: [3, 3], stride: [1, 1] }),
];

describe.skipIf(!be)('pooling kernels', () => {
  const b = be!;
  for (const g of GEOMETRIES) {
    const name = `[${g.batch},${g.inChannels},${g.inH},${g.inW}] k ${g.kH}x${g.kW} s ${g.strideH},${g.strideW} pad ${g.padTop},${g.padBottom},${g.padLeft},${g.padRight}`;
    const xShape = [g.batch, g.inChannels, g.inH, g.inW];
    const yShape = [g.batch, g.inChannels, g.outH, g.outW];
    // Coarse values: many ties inside windows, to check the first-maximum rule.
    const x = random(naive.sizeOf(xShape), 5, -2, 2).map((v) => Math.round(v * 2) / 2);
    const dy = random(naive.sizeOf(yShape), 6).map(f32);

    it(`MaxPool and MaxPoolBackward ${name}`, async () => {
      expectClose(
        await values(b, b.kernels.MaxPool!({ x: tensor(b, x, xShape), geom: g })),
        naive.maxPool(x, g).y,
        0,
      );
      const dx = b.kernels.MaxPoolBackward!({
        x: tensor(b, x, xShape),
        dy: tensor(b, dy, yShape),
        geom: g,
      });
      expectClose(await values(b, dx), naive.maxPoolBackward(x, dy, g), 1e-6);
    });
    it(`AvgPool and AvgPoolBackward ${name}`, async () => {
      expectClose(
        await values(b, b.kernels.AvgPool!({ x: tensor(b, x, xShape), geom: g })),
        naive.avgPool(x, g),
        1e-6,
      );
      const dx = b.kernels.AvgPoolBackward!({ dy: tensor(b, dy, yShape), geom: g });
      expectClose(await values(b, dx), naive.avgPoolBackward(dy, g), 1e-6);
    });
  }
});
