/**
 * Layer gradients against central finite differences (core's gradcheck, float64 reference
 * backend), on tiny sizes: with respect to the input and to every parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend, type Tensor } from '@tessera/core';
import {
  assertGradClose,
  isReferenceBackend,
  registerReferenceBackend,
  type GradcheckInput,
  type ReferenceBackend,
} from '@tessera/core/testing';
import type { Module } from './module.js';
import { Linear } from './linear.js';
import { Conv2d } from './conv2d.js';
import { LocallyConnected2d } from './locally-connected.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';
import { ReLU } from './activations.js';
import { Flatten } from './flatten.js';
import { Sequential } from './sequential.js';
import { crossEntropy, mse } from './losses.js';
import { randomArray } from './test/helpers.js';
import { tensor } from '@tessera/core';

// Everything (labels included) must live on the reference backend gradcheck computes on.
let previous = '';
let reference: ReferenceBackend;
beforeAll(async () => {
  previous = getBackend().name;
  registerReferenceBackend({ name: 'gradcheck-reference' });
  const b = await setBackend('gradcheck-reference');
  if (!isReferenceBackend(b)) throw new Error('expected the reference backend');
  reference = b;
});
afterAll(async () => {
  await setBackend(previous);
});

/** f(x, ...params) that installs the params into the layer, then runs it. */
function withParams(layer: Module, run: (m: Module, x: Tensor) => Tensor = (m, x) => m.forward(x)) {
  const names = layer.parameterInfo().map((p) => p.name);
  return (x: Tensor, ...ps: Tensor[]) => {
    names.forEach((n, i) => layer.setParameter(n, ps[i]));
    return run(layer, x);
  };
}

function inputsFor(layer: Module, xShape: number[], seed: number): GradcheckInput[] {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return [
    { values: randomArray(size(xShape), seed), shape: xShape },
    ...layer.parameterInfo().map((p, i) => ({
      values: randomArray(p.size, seed + 1 + i, -0.8, 0.8),
      shape: [...p.shape],
    })),
  ];
}

function check(layer: Module, xShape: number[], run?: (m: Module, x: Tensor) => Tensor): void {
  const report = assertGradClose(withParams(layer, run), inputsFor(layer, xShape, 21), {
    atol: 1e-6,
    rtol: 1e-5,
    backend: reference,
  });
  expect(report.ok).toBe(true);
  layer.dispose();
}

describe('layer gradients vs finite differences', () => {
  it('Linear (and its fused ReLU)', () => {
    check(new Linear(4, 3), [2, 4]);
    check(new Linear(4, 3), [2, 4], (m, x) => (m as Linear).forwardWithRelu(x));
    check(new Linear(3, 2, { bias: false }), [3, 3]);
  });

  it('Conv2d with stride, padding and dilation (and fused ReLU)', () => {
    check(new Conv2d(2, 2, 3, { padding: 1 }), [1, 2, 4, 4]);
    check(new Conv2d(1, 2, 2, { stride: 2, dilation: 1 }), [2, 1, 5, 4], (m, x) =>
      (m as Conv2d).forwardWithRelu(x),
    );
    check(new Conv2d(1, 1, 2, { dilation: 2, bias: false }), [1, 1, 5, 5]);
  });

  it('LocallyConnected2d', () => {
    check(new LocallyConnected2d(2, 2, 2, { inputSize: [3, 4] }), [2, 2, 3, 4]);
  });

  it('MaxPool2d, AvgPool2d, ReLU, Flatten', () => {
    check(new MaxPool2d(2), [1, 2, 4, 4]);
    check(new AvgPool2d(2, { stride: 1 }), [1, 1, 3, 4]);
    check(new ReLU(), [2, 5]);
    check(new Flatten(), [2, 2, 2, 2]);
  });

  it('a whole Sequential (fused plan) and its cross-entropy loss', () => {
    const model = new Sequential([
      new Conv2d(1, 2, 3),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(2, 3),
    ]);
    const labels = tensor([2, 0], [2], 'int32');
    check(model, [2, 1, 4, 4], (m, x) => crossEntropy(m.forward(x), labels));
    labels.dispose();
  });

  it('losses: crossEntropy (mean and sum) and mse', () => {
    const labels = tensor([1, 0, 3], [3], 'int32');
    const logits = { values: randomArray(12, 5, -3, 3), shape: [3, 4] };
    const backend = reference;
    assertGradClose((z) => crossEntropy(z, labels), [logits], { backend });
    assertGradClose((z) => crossEntropy(z, labels, { reduction: 'sum' }), [logits], { backend });
    labels.dispose();
    assertGradClose(
      (a, b) => mse(a, b),
      [
        { values: randomArray(6, 1), shape: [2, 3] },
        { values: randomArray(6, 2), shape: [2, 3] },
      ],
      { backend },
    );
  });
});
