/** summary, the connectivity comparison, the profiler, the model builders and evaluate. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, memory, noGrad, tensor } from '@tessera/core';
import { summary } from './summary.js';
import { compareConnectivity } from './connectivity.js';
import { profile } from './profiler.js';
import { MODELS, buildModel, convnet, lenet, linear, mlp } from './models.js';
import { evaluate, formatConfusion } from './metrics.js';
import { makeDataset } from './data/dataset.js';
import { randomTensor } from './test/helpers.js';

describe('summary', () => {
  it("lists each layer's output shape and parameter count (LeNet on 28x28)", () => {
    const s = summary(lenet(), [1, 28, 28]);
    expect(s.rows.map((r) => [r.name, r.outputShape, r.params])).toEqual([
      ['conv1', [1, 6, 28, 28], 6 * 25 + 6],
      ['relu1', [1, 6, 28, 28], 0],
      ['pool1', [1, 6, 14, 14], 0],
      ['conv2', [1, 16, 10, 10], 16 * 6 * 25 + 16],
      ['relu2', [1, 16, 10, 10], 0],
      ['pool2', [1, 16, 5, 5], 0],
      ['flatten1', [1, 400], 0],
      ['fc1', [1, 120], 400 * 120 + 120],
      ['relu3', [1, 120], 0],
      ['fc2', [1, 10], 1210],
    ]);
    expect(s.totalParams).toBe(156 + 2416 + 48120 + 1210);
    expect(s.rows[0].multiplyAdds).toBe(28 * 28 * 6 * 25);
    expect(s.text).toContain('conv2     Conv2d     [N, 16, 10, 10]');
    expect(s.text).toContain('Total parameters: 51,902');
  });

  it("the lecture's convnet on 32x32x3: 28x28x6 then 24x24x10", () => {
    const s = summary(convnet({ inputShape: [3, 32, 32] }), [3, 32, 32]);
    expect(s.rows[0].outputShape).toEqual([1, 6, 28, 28]);
    expect(s.rows[2].outputShape).toEqual([1, 10, 24, 24]);
    expect(s.rows.at(-1)?.params).toBe(24 * 24 * 10 * 10 + 10);
  });

  it('reports a model that does not fit the input', () => {
    expect(() => summary(linear(), [3, 28, 28])).toThrow(
      "Linear 'fc1': expected input [N, 784], got [1, 2352]",
    );
    expect(() => summary(linear(), [0, 28])).toThrow(ArgumentError);
  });
});

describe('compareConnectivity', () => {
  it('counts from the layers: FC 1.6B, 10x10 local 4M, 100 shared 10x10 filters 10K', () => {
    const before = memory().numBytes;
    const c = compareConnectivity();
    expect(c.rows.map((r) => r.weights)).toEqual([40_000 * 40_000, 40_000 * 100, 100 * 100]);
    expect(c.rows.map((r) => r.hiddenUnits)).toEqual([40_000, 40_000, 100 * 40_000]);
    expect(c.rows.map((r) => r.biases)).toEqual([40_000, 40_000, 100]);
    expect(c.text).toContain('1,600,000,000');
    expect(memory().numBytes).toBe(before);
    const small = compareConnectivity({ imageSize: 20, field: 5, filters: 3 });
    expect(small.rows.map((r) => r.weights)).toEqual([400 * 400, 400 * 25, 3 * 25]);
  });
});

describe('profile', () => {
  it('times every step of the plan plus the loss, and leaks nothing', async () => {
    const model = lenet({ inputShape: [1, 12, 12], hidden: 8, seed: 1 });
    model.parameters();
    const x = randomTensor([4, 1, 12, 12], 1);
    const y = tensor([1, 2, 3, 4], [4], 'int32');
    const before = memory().numTensors;
    const p = await profile(model, x, y, { repeats: 1 });
    expect(memory().numTensors).toBe(before);
    expect(p.rows.map((r) => r.name)).toEqual([
      'conv1+relu1',
      'pool1',
      'conv2+relu2',
      'pool2',
      'flatten1',
      'fc1+relu3',
      'fc2',
      'loss',
    ]);
    expect(p.rows[0].outputShape).toEqual([4, 6, 12, 12]);
    for (const r of p.rows) {
      expect(r.forwardMs).toBeGreaterThanOrEqual(0);
      expect(r.backwardMs).toBeGreaterThanOrEqual(0);
    }
    expect(p.forwardMs + p.backwardMs).toBeGreaterThan(0);
    expect(p.text).toContain('conv2+relu2');
    x.dispose();
    y.dispose();
    model.dispose();
  });
});

describe('models', () => {
  it('every builder maps [N, 1, 28, 28] to [N, 10] and is found by name', () => {
    for (const name of Object.keys(MODELS)) {
      const m = buildModel(name);
      expect(m.outputShape([3, 1, 28, 28])).toEqual([3, 10]);
    }
    expect(mlp().layers.map((l) => l.kind)).toEqual(['Flatten', 'Linear', 'ReLU', 'Linear']);
    expect(() => buildModel('resnet')).toThrow(
      "unknown model 'resnet' (known: linear, mlp, lenet, convnet)",
    );
  });
});

describe('evaluate', () => {
  it('accuracy and confusion matrix agree with a direct count', async () => {
    const model = linear({ inputShape: [1, 2, 2], numClasses: 3, seed: 2 });
    const images = Float32Array.from({ length: 9 * 4 }, (_, i) => Math.sin(i * 1.7));
    const labels = Int32Array.from({ length: 9 }, (_, i) => i % 3);
    const ds = makeDataset('tiny', images, labels, [1, 2, 2], 3);
    const ev = await evaluate(model, ds, { batchSize: 4 });
    const logits = noGrad(() => model.forward(tensor(images, [9, 1, 2, 2])));
    const l = await logits.data();
    logits.dispose();
    const expected = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    let correct = 0;
    for (let i = 0; i < 9; i++) {
      const row = [l[i * 3], l[i * 3 + 1], l[i * 3 + 2]];
      const guess = row.indexOf(Math.max(...row));
      expected[labels[i]][guess]++;
      if (guess === labels[i]) correct++;
    }
    expect(ev.confusion).toEqual(expected);
    expect(ev.accuracy).toBeCloseTo(correct / 9, 10);
    expect(formatConfusion(ev.confusion).split('\n')).toHaveLength(5);
    expect(model.training).toBe(true);
  });
});
