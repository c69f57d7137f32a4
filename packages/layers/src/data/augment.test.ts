import { describe, expect, it } from 'vitest';
import { randomShift } from './augment.js';
import { makeDataset } from './dataset.js';
import { batches } from './batches.js';
import { cosineDecay, constantLr } from '../optim/schedule.js';
import { host } from '../test/helpers.js';

/** out[r][c] = in[r - dy][c - dx], 0 outside. */
function naiveShift(img: number[], h: number, w: number, dy: number, dx: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const sr = r - dy;
      const sc = c - dx;
      out.push(sr >= 0 && sr < h && sc >= 0 && sc < w ? img[sr * w + sc] : 0);
    }
  return out;
}

describe('augmentation and schedules', () => {
  it('randomShift moves each image by the drawn offsets, zero-filling the border', () => {
    const img = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const [ry, rx, dy, dx] of [
      [0.99, 0, 2, -2],
      [0.5, 0.99, 0, 2],
      [0, 0.5, -2, 0],
      [0.3, 0.7, -1, 1],
    ]) {
      const images = Float32Array.from([...img, ...img]);
      const draws = [ry, rx, 0.5, 0.5];
      randomShift(2)(images, 2, [1, 3, 4], () => draws.shift() as number);
      expect(Array.from(images.subarray(0, 12))).toEqual(naiveShift(img, 3, 4, dy, dx));
      expect(Array.from(images.subarray(12))).toEqual(img); // second draw is (0, 0)
    }
    expect(() => randomShift(-1)).toThrow(/maxShift/);
  });

  it('batches apply the augmentation reproducibly from the seed', async () => {
    const images = Float32Array.from({ length: 4 * 16 }, (_, i) => (i % 16) + 1);
    const ds = makeDataset('d', images, Int32Array.from([0, 1, 0, 1]), [1, 4, 4], 2);
    const run = async (seed: number) => {
      const out: number[] = [];
      for (const b of batches(ds, { batchSize: 2, seed, augment: randomShift(1) })) {
        out.push(...(await host(b.x)));
        b.x.dispose();
        b.y.dispose();
      }
      return out;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
    expect(a).not.toEqual(Array.from(images));
  });

  it('cosineDecay falls from lr to minLr along half a cosine', () => {
    const s = cosineDecay(0.1, 100, 0.001);
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(50)).toBeCloseTo(0.001 + 0.099 * 0.5, 12);
    expect(s(100)).toBeCloseTo(0.001, 12);
    expect(s(500)).toBeCloseTo(0.001, 12);
    expect(constantLr(0.3)(7)).toBe(0.3);
    expect(() => cosineDecay(0.1, 0)).toThrow(/totalSteps/);
  });
});
