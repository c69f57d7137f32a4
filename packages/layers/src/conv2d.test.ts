import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, tensor, zeros } from '@tessera/core';
import { Conv2d } from './conv2d.js';
import { expectClose, host, naiveConv2d, randomArray } from './test/helpers.js';

describe('Conv2d', () => {
  it('matches a naive convolution with padding, stride and dilation, plus bias', async () => {
    for (const [stride, pad, dilation] of [
      [1, 0, 1],
      [2, 1, 1],
      [1, 2, 2],
    ]) {
      const layer = new Conv2d(2, 3, 3, { stride, padding: pad, dilation, seed: 3 });
      const xs = [2, 2, 7, 6];
      const xv = randomArray(2 * 2 * 7 * 6, 5);
      const x = tensor(xv, xs);
      const w = await host(layer.weight);
      const bias = [0.1, -0.2, 0.3];
      layer.setParameter('bias', tensor(bias, [3]));
      const y = layer.forward(x);
      const ref = naiveConv2d(xv, xs, w, [3, 2, 3, 3], { stride, pad, dilation });
      expect(y.shape).toEqual(ref.shape);
      const per = ref.shape[2] * ref.shape[3];
      const expected = ref.out.map((v, i) => v + bias[Math.floor(i / per) % 3]);
      expectClose(await host(y), expected, 1e-5);
      const r = layer.forwardWithRelu(x);
      expectClose(
        await host(r),
        expected.map((v) => Math.max(v, 0)),
        1e-5,
      );
      for (const t of [x, y, r]) t.dispose();
      layer.dispose();
    }
  });

  it("follows the lecture's shape arithmetic: 32x32x3 -> six 5x5 -> 28x28x6 -> ten 5x5 -> 24x24x10", () => {
    const c1 = new Conv2d(3, 6, 5);
    const c2 = new Conv2d(6, 10, 5);
    const s1 = c1.outputShape([1, 3, 32, 32]);
    expect(s1).toEqual([1, 6, 28, 28]);
    expect(c2.outputShape(s1)).toEqual([1, 10, 24, 24]);
    expect(c1.numParameters()).toBe(6 * 5 * 5 * 3 + 6);
    expect(new Conv2d(3, 8, 3, { padding: 'same', stride: 2 }).outputShape([2, 3, 9, 9])).toEqual([
      2, 8, 5, 5,
    ]);
  });

  it('names the layer and both shapes on a wrong input', () => {
    const layer = new Conv2d(6, 16, 5, { name: 'conv2' });
    const x = zeros([4, 3, 12, 12]);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(
      "Conv2d 'conv2': expected input [N, 6, H, W], got [4, 3, 12, 12]",
    );
    const flat = zeros([4, 6]);
    expect(() => layer.forward(flat)).toThrow('expected input [N, 6, H, W], got [4, 6]');
    const small = zeros([1, 6, 3, 3]);
    expect(() => layer.forward(small)).toThrow(/Conv2d 'conv2'.*5x5 window.*\[1, 6, 3, 3\]/);
    for (const t of [x, flat, small]) t.dispose();
  });

  it('validates its options at construction', () => {
    expect(() => new Conv2d(1, 1, 0)).toThrow(ArgumentError);
    expect(() => new Conv2d(1, 1, 3, { stride: 0 })).toThrow(/stride/);
    expect(() => new Conv2d(1, 1, 3, { padding: 'full' as never })).toThrow(/padding/);
  });
});
