import { describe, expect, it } from 'vitest';
import { ShapeError, noGrad, zeros } from '@tessera/core';
import { Sequential } from './sequential.js';
import { Conv2d } from './conv2d.js';
import { Linear } from './linear.js';
import { ReLU } from './activations.js';
import { MaxPool2d } from './pooling.js';
import { Flatten } from './flatten.js';
import { expectClose, host, randomTensor } from './test/helpers.js';

function tiny(fuse: boolean): Sequential {
  return new Sequential(
    [
      new Conv2d(1, 2, 3),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(8, 5),
      new ReLU(),
      new Linear(5, 3),
    ],
    { seed: 9, fuse },
  );
}

describe('Sequential', () => {
  it('names layers by kind and position, and parameters by layer', () => {
    const m = tiny(true);
    expect(m.layers.map((l) => l.name)).toEqual([
      'conv1',
      'relu1',
      'pool1',
      'flatten1',
      'fc1',
      'relu2',
      'fc2',
    ]);
    expect(m.parameterInfo().map((p) => p.name)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    const named = new Sequential([['features', new Conv2d(1, 1, 1)], new ReLU({ name: 'act' })]);
    expect(named.layers.map((l) => l.name)).toEqual(['features', 'act']);
  });

  it('fuses ReLU into the preceding conv/linear and computes the same as unfused', async () => {
    const fused = tiny(true);
    const plain = tiny(false);
    expect(fused.plan().map((s) => s.name)).toEqual([
      'conv1+relu1',
      'pool1',
      'flatten1',
      'fc1+relu2',
      'fc2',
    ]);
    expect(plain.plan()).toHaveLength(7);
    const x = randomTensor([2, 1, 6, 6], 3);
    const a = noGrad(() => fused.forward(x));
    const b = noGrad(() => plain.forward(x));
    expect(a.shape).toEqual([2, 3]);
    expectClose(await host(a), await host(b), 1e-6);
    for (const t of [x, a, b]) t.dispose();
    fused.dispose();
    plain.dispose();
  });

  it('reports a wrong input at the layer where it breaks, with both shapes', () => {
    const m = tiny(true);
    const x = zeros([2, 1, 8, 8]); // flattens to 18, fc1 expects 8
    expect(() => m.forward(x)).toThrow(ShapeError);
    expect(() => m.forward(x)).toThrow("Linear 'fc1': expected input [N, 8], got [2, 18]");
    expect(m.layerShapes([2, 1, 6, 6]).map((r) => r.output)).toEqual([
      [2, 2, 4, 4],
      [2, 2, 4, 4],
      [2, 2, 2, 2],
      [2, 8],
      [2, 5],
      [2, 5],
      [2, 3],
    ]);
    x.dispose();
  });
});
