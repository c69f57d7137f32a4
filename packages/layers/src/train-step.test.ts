import { describe, expect, it } from 'vitest';
import { ArgumentError, memory, randomNormal, tensor } from '@tessera/core';
import { trainStep } from './train-step.js';
import { lenet, mlp } from './models.js';
import { Adam } from './optim/adam.js';
import { SGD } from './optim/sgd.js';
import { batches } from './data/batches.js';
import { loadMnist } from './data/mnist.js';
import { subset } from './data/dataset.js';
import { evaluate } from './metrics.js';
import { bandsDataset } from './test/helpers.js';
import type { Dataset } from './data/dataset.js';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';

/** Train for `steps` batches (cycling epochs), returning each step's loss. */
async function train(
  model: Module,
  opt: Optimizer,
  data: Dataset,
  steps: number,
  batchSize: number,
  seed: number,
) {
  const losses: number[] = [];
  let epoch = 0;
  while (losses.length < steps) {
    for (const b of batches(data, { batchSize, shuffle: true, seed: seed + epoch })) {
      const r = trainStep(model, opt, b.x, b.y);
      losses.push((await r.loss.data())[0]);
      r.loss.dispose();
      r.correct?.dispose();
      b.x.dispose();
      b.y.dispose();
      if (losses.length === steps) break;
    }
    epoch++;
  }
  return losses;
}

describe('training', () => {
  it('keeps tensor count and bytes flat over 200 steps (conv net, Adam)', async () => {
    const data = bandsDataset(64, 4, 12, 1);
    const model = lenet({ inputShape: [1, 12, 12], numClasses: 4, seed: 1, hidden: 16 });
    const opt = new Adam(1e-3);
    await train(model, opt, data, 1, 4, 0); // parameters and optimiser state now exist
    const start = memory();
    const counts: number[] = [];
    let epoch = 0;
    let steps = 0;
    while (steps < 200) {
      for (const b of batches(data, { batchSize: 4, shuffle: true, seed: epoch })) {
        const r = trainStep(model, opt, b.x, b.y);
        for (const t of [r.loss, r.correct, b.x, b.y]) t?.dispose();
        counts.push(memory().numTensors);
        if (++steps === 200) break;
      }
      epoch++;
    }
    const end = memory();
    expect(new Set(counts)).toEqual(new Set([start.numTensors]));
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBytes).toBe(start.numBytes);
    expect(end.numDataBuffers).toBe(start.numDataBuffers);
    // And what the backend itself holds (buffers it pools for reuse are reported apart).
    const name = Object.keys(start.backends)[0];
    expect(end.backends[name].backendBytes).toBe(start.backends[name].backendBytes);
    opt.dispose();
    model.dispose();
  });

  it('seeded runs are bit-for-bit reproducible', async () => {
    const data = bandsDataset(48, 3, 12, 2);
    const run = async (seed: number) => {
      const model = lenet({ inputShape: [1, 12, 12], numClasses: 3, seed, hidden: 8 });
      const opt = new SGD(0.05, { momentum: 0.9 });
      const losses = await train(model, opt, data, 15, 8, seed);
      const params = await Promise.all(
        model.parameters().map(async (p) => Array.from(await p.data())),
      );
      opt.dispose();
      model.dispose();
      return { losses, params };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.losses).toEqual(a.losses);
    expect(b.params).toEqual(a.params);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('a short run on MNIST learns: loss falls clearly and test accuracy is far above chance', async () => {
    const { train: trainSet, test } = await loadMnist();
    const small = subset(
      trainSet,
      Array.from({ length: 3200 }, (_, i) => i),
    );
    const model = mlp({ seed: 0, hidden: 64 });
    const opt = new Adam(2e-3);
    const losses = await train(model, opt, small, 100, 32, 0);
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
    expect(first).toBeGreaterThan(1.8);
    expect(last).toBeLessThan(first * 0.3);
    const ev = await evaluate(
      model,
      subset(
        test,
        Array.from({ length: 500 }, (_, i) => i),
      ),
    );
    expect(ev.accuracy).toBeGreaterThan(0.8);
    opt.dispose();
    model.dispose();
  });
});

describe('trainStep with a bad label', () => {
  it('names the label and the class count, and changes no parameter', async () => {
    const model = mlp({ inputShape: [1, 2, 2], numClasses: 3, hidden: 5 });
    const x = randomNormal([2, 1, 2, 2], 0, 1, { seed: 3 });
    const y = tensor(new Int32Array([1, 3]), [2]);
    const params = model.parameters(); // created lazily: count them in `before`
    const before = memory().numTensors;
    expect(() => trainStep(model, new SGD(0.1), x, y)).toThrow(ArgumentError);
    expect(() => trainStep(model, new SGD(0.1), x, y)).toThrow(
      'softmaxCrossEntropy: label 3 is outside [0, 3) for logits [2, 3] (3 classes)',
    );
    expect(memory().numTensors).toBe(before);
    expect(model.parameters()).toEqual(params);
    x.dispose();
    y.dispose();
  });
});
