import { describe, expect, it } from 'vitest';
import { ShapeError, tensor, zeros } from '@tessera/core';
import { AvgPool2d, MaxPool2d } from './pooling.js';
import { Flatten } from './flatten.js';
import { ReLU } from './activations.js';
import { expectClose, host, randomArray } from './test/helpers.js';

function naivePool(
  xv: ArrayLike<number>,
  [n, c, h, w]: number[],
  k: number,
  s: number,
  op: 'max' | 'avg',
): number[] {
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  const out: number[] = [];
  for (let b = 0; b < n * c; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let acc = op === 'max' ? -Infinity : 0;
        for (let u = 0; u < k; u++)
          for (let v = 0; v < k; v++) {
            const val = xv[(b * h + i * s + u) * w + j * s + v];
            acc = op === 'max' ? Math.max(acc, val) : acc + val / (k * k);
          }
        out.push(acc);
      }
  return out;
}

describe('pooling, flatten, relu', () => {
  it('MaxPool2d and AvgPool2d match naive loops (default stride = kernel, and overlapping)', async () => {
    const shape = [2, 3, 6, 5];
    const xv = randomArray(2 * 3 * 6 * 5, 4);
    const x = tensor(xv, shape);
    for (const [k, s] of [
      [2, 2],
      [3, 1],
    ]) {
      const mp = k === s ? new MaxPool2d(k) : new MaxPool2d(k, { stride: s });
      const ap = new AvgPool2d(k, { stride: s });
      const ym = mp.forward(x);
      const ya = ap.forward(x);
      expect(ym.shape).toEqual(mp.outputShape(shape));
      expectClose(await host(ym), naivePool(xv, shape, k, s, 'max'));
      expectClose(await host(ya), naivePool(xv, shape, k, s, 'avg'));
      ym.dispose();
      ya.dispose();
    }
    x.dispose();
  });

  it('Flatten keeps the batch axis; ReLU clamps negatives', async () => {
    const x = tensor([-1, 2, -3, 4, 5, -6, 7, -8], [2, 2, 2, 1]);
    const f = new Flatten().forward(x);
    expect(f.shape).toEqual([2, 4]);
    const r = new ReLU().forward(f);
    expect(await host(r)).toEqual([0, 2, 0, 4, 5, 0, 7, 0]);
    for (const t of [x, f, r]) t.dispose();
  });

  it('pooling names the layer on a wrong input', () => {
    const pool = new MaxPool2d(2, { name: 'pool1' });
    const x = zeros([4, 10]);
    expect(() => pool.forward(x)).toThrow(ShapeError);
    expect(() => pool.forward(x)).toThrow(
      "MaxPool2d 'pool1': expected input [N, C, H, W], got [4, 10]",
    );
    x.dispose();
  });
});
