/**
 * Conventions checked against PyTorch (an independent implementation): cross-correlation,
 * dilation, 'same' padding with even kernels, pooling with padding, im2col row order (torch's
 * unfold), col2im (fold), softmax and cross-entropy at logits of magnitude 1e4. Values were
 * generated in float64 by scripts/golden-torch.py; the reference computes in float64 as well,
 * so the tolerance is tight: 1e-7 relative, the size of the float32 constants ops build (mean
 * multiplies by a float32 1/count).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vjp } from '../autodiff/grad.js';
import { memory } from '../engine.js';
import { col2im, conv2d, im2col } from '../ops/conv.js';
import { hostTensor } from '../ops/helpers.js';
import { avgPool2d, maxPool2d, type PoolOptions } from '../ops/pool.js';
import { logSoftmax, softmax, softmaxCrossEntropy } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import {
  createReferenceBackend,
  readFloat64,
  tensorFloat64,
  type ReferenceBackend,
} from './reference-backend.js';

interface Encoded {
  shape: number[];
  values: number[];
}
interface GoldenCase {
  name: string;
  op: string;
  options: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  output: Encoded;
  cotangent: Encoded;
  grads: Record<string, Encoded>;
  labels?: Encoded;
}
const golden = JSON.parse(
  readFileSync(new URL('./golden/torch-golden.json', import.meta.url), 'utf8'),
) as {
  generator: string;
  cases: GoldenCase[];
};

/** The Tessera call for a golden case (options are passed the way each op takes them). */
function opFor(c: GoldenCase, labels: Tensor | undefined): (...xs: Tensor[]) => Tensor {
  const o = c.options as Record<string, any>;
  switch (c.op) {
    case 'conv2d':
      return (x, w) => conv2d(x, w, o);
    case 'maxPool2d':
      return (x) => maxPool2d(x, o as PoolOptions);
    case 'avgPool2d':
      return (x) => avgPool2d(x, o as PoolOptions);
    case 'im2col': {
      const { kernelSize, ...window } = o;
      return (x) => im2col(x, kernelSize, window);
    }
    case 'col2im': {
      const { kernelSize, imageShape, ...window } = o;
      return (cols) => col2im(cols, imageShape, kernelSize, window);
    }
    case 'softmax':
      return (x) => softmax(x, o['axis']);
    case 'logSoftmax':
      return (x) => logSoftmax(x, o['axis']);
    case 'softmaxCrossEntropy':
      return (logits) => softmaxCrossEntropy(logits, labels as Tensor, o);
    default:
      throw new Error(`golden: unknown op ${c.op}`);
  }
}

function expectClose(got: Tensor, want: Encoded, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = readFloat64(got);
  want.values.forEach((w, i) => {
    if (Math.abs(g[i] - w) > 1e-7 * (1 + Math.abs(w))) {
      throw new Error(`${what}[${i}]: got ${g[i]}, torch ${w}`);
    }
  });
}

function run(backend: ReferenceBackend, c: GoldenCase): void {
  const before = memory().numTensors;
  const xs = Object.values(c.inputs).map((e) => tensorFloat64(backend, e.values, e.shape));
  const labels =
    c.labels && hostTensor(backend, Int32Array.from(c.labels.values), c.labels.shape, 'int32');
  const cot = tensorFloat64(backend, c.cotangent.values, c.cotangent.shape);
  const { value, grads } = vjp(opFor(c, labels), xs, cot);
  expectClose(value, c.output, 'output');
  Object.values(c.grads).forEach((g, i) => expectClose(grads[i], g, `gradient of input ${i}`));
  [...xs, cot, value, ...grads, ...(labels ? [labels] : [])].forEach((t) => t.dispose());
  expect(memory().numTensors).toBe(before);
}

describe(`golden values from ${golden.generator}`, () => {
  for (const fused of [false, true]) {
    const backend = createReferenceBackend({ fused });
    for (const c of golden.cases) it(`${c.name} (fused: ${fused})`, () => run(backend, c));
  }
});
