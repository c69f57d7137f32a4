import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, memory, tensor, zeros } from '@tessera/core';
import { Linear } from './linear.js';
import { host, randomArray, expectClose } from './test/helpers.js';

describe('Linear', () => {
  it('computes x W^T + b like a naive loop, and relu when fused', async () => {
    const layer = new Linear(3, 2, { seed: 7 });
    const xv = randomArray(4 * 3, 1);
    const x = tensor(xv, [4, 3]);
    const w = await host(layer.weight);
    const b = [0.5, -2];
    layer.setParameter('bias', tensor(b, [2]));
    const y = layer.forward(x);
    expect(y.shape).toEqual([4, 2]);
    const expected: number[] = [];
    for (let n = 0; n < 4; n++)
      for (let o = 0; o < 2; o++) {
        let s = b[o];
        for (let i = 0; i < 3; i++) s += xv[n * 3 + i] * w[o * 3 + i];
        expected.push(s);
      }
    expectClose(await host(y), expected);
    const r = layer.forwardWithRelu(x);
    expectClose(
      await host(r),
      expected.map((v) => Math.max(0, v)),
    );
    for (const t of [x, y, r]) t.dispose();
    layer.dispose();
  });

  it('declares weight [out, in] and bias [out]; bias: false drops it', () => {
    expect(new Linear(400, 120).parameterInfo().map((p) => [p.name, p.shape])).toEqual([
      ['weight', [120, 400]],
      ['bias', [120]],
    ]);
    expect(new Linear(4, 3, { bias: false }).numParameters()).toBe(12);
  });

  it('names the layer and both shapes on a wrong input', () => {
    const layer = new Linear(400, 120, { name: 'fc1' });
    const x = zeros([8, 16, 5, 5]);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(
      "Linear 'fc1': expected input [N, 400], got [8, 16, 5, 5]",
    );
    const x2 = zeros([8, 300]);
    expect(() => layer.forward(x2)).toThrow('expected input [N, 400], got [8, 300]');
    const xi = zeros([8, 400], 'int32');
    expect(() => layer.forward(xi)).toThrow(DTypeError);
    for (const t of [x, x2, xi]) t.dispose();
    layer.dispose();
  });

  it('rejects non-positive sizes', () => {
    expect(() => new Linear(0, 3)).toThrow("'inFeatures' must be a positive integer");
    expect(() => new Linear(3, 2.5)).toThrow("'outFeatures'");
  });

  it('allocates nothing until first use', () => {
    const before = memory().numTensors;
    const huge = new Linear(40_000, 40_000);
    expect(huge.numParameters()).toBe(40_000 * 40_000 + 40_000);
    expect(memory().numTensors).toBe(before);
  });
});
