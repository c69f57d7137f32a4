/** fit: learning, validation, callbacks, abort, flat memory, and exact resume from checkpoints. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, memory } from '@tessera/core';
import { fit, earlyStopping, type BatchLog } from './fit.js';
import { loadCheckpoint, saveCheckpoint, type TrainingPosition } from './checkpoint.js';
import { randomShift } from './data/augment.js';
import { mlp } from './models.js';
import { Adam } from './optim/adam.js';
import { SGD } from './optim/sgd.js';
import { cosineDecay } from './optim/schedule.js';
import { saveModel } from './safetensors.js';
import { FormatError } from './errors.js';
import { bandsDataset, host } from './test/helpers.js';

const data = bandsDataset(60, 3, 6, 1);
const model = (seed = 7) => mlp({ inputShape: [1, 6, 6], numClasses: 3, hidden: 8, seed });

async function weights(m: ReturnType<typeof model>): Promise<number[][]> {
  return Promise.all(m.parameters().map((p) => host(p)));
}

describe('fit', () => {
  it('learns, reports each epoch with validation, and keeps memory flat', async () => {
    const m = model();
    const opt = new Adam(0.05);
    m.parameters();
    const before = memory();
    const batchLogs: BatchLog[] = [];
    const history = await fit(m, opt, data, {
      epochs: 4,
      batchSize: 8,
      validationSplit: 0.2,
      callbacks: { onBatchEnd: (log) => void batchLogs.push(log) },
    });
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(history.stopped).toBeUndefined();
    expect(history.position).toEqual({ epoch: 4, batchInEpoch: 0, globalStep: 24, seed: 0 });
    const [first, , , last] = history.epochs;
    expect(first.examples).toBe(48); // 60 minus the 12 held out
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    expect(last.valLoss).toBeGreaterThan(0);
    expect(batchLogs).toHaveLength(24);
    expect(batchLogs[6]).toMatchObject({ epoch: 2, batch: 0, globalStep: 6, size: 8 });
    // Adam's moments are the only new tensors (two per parameter); nothing else survives.
    const grown = memory().numTensors - before.numTensors;
    expect(grown).toBe(opt.stateSize);
    opt.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    m.dispose();
  });

  it('resumes from a mid-epoch checkpoint bit for bit (losses and final weights)', async () => {
    const options = {
      epochs: 3,
      batchSize: 7,
      seed: 5,
      augment: randomShift(1),
      schedule: cosineDecay(0.05, 27),
    };
    // The uninterrupted run, saving a checkpoint every 4 steps.
    const saved = new Map<number, Uint8Array>();
    const full: number[] = [];
    const a = model();
    const optA = new SGD(0.05, { momentum: 0.9 });
    await fit(a, optA, data, {
      ...options,
      callbacks: { onBatchEnd: (l) => void full.push(l.loss) },
      checkpoint: {
        everySteps: 4,
        onEpochEnd: false,
        save: (b, p) => void saved.set(p.globalStep, b),
      },
    });
    expect([...saved.keys()]).toEqual([4, 8, 12, 16, 20, 24]);
    // Resume from step 12 (epoch 2, batch 3 of 9) into a differently initialised model.
    const b = model(99);
    const optB = new SGD(0.05, { momentum: 0.9 });
    const position = loadCheckpoint(saved.get(12) as Uint8Array, b, optB);
    expect(position).toMatchObject({ epoch: 1, batchInEpoch: 3, globalStep: 12, seed: 5 });
    const resumed: number[] = [];
    const history = await fit(b, optB, data, {
      ...options,
      resume: position,
      callbacks: { onBatchEnd: (l) => void resumed.push(l.loss) },
    });
    expect(resumed).toEqual(full.slice(12)); // exact equality: same float32 arithmetic
    expect(await weights(b)).toEqual(await weights(a));
    expect(history.epochs.map((e) => e.epoch)).toEqual([2, 3]);
    expect(history.epochs[0].examples).toBe(60 - 3 * 7);
    for (const t of [a, b, optA, optB]) t.dispose();
  });

  it('stops on an AbortSignal, on a callback, and by early stopping', async () => {
    const m = model();
    const opt = new SGD(0.01);
    const abort = new AbortController();
    const h1 = await fit(m, opt, data, {
      epochs: 3,
      batchSize: 10,
      signal: abort.signal,
      callbacks: { onBatchEnd: (l) => (l.globalStep === 3 ? abort.abort() : undefined) },
    });
    expect(h1.stopped).toBe('aborted');
    expect(h1.epochs).toHaveLength(0);
    expect(h1.position).toMatchObject({ epoch: 0, batchInEpoch: 5, globalStep: 5 });
    const h2 = await fit(m, opt, data, {
      epochs: 5,
      batchSize: 30,
      callbacks: { onEpochEnd: (l, c) => (l.epoch === 2 ? c.stop('enough') : undefined) },
    });
    expect(h2.stopped).toBe('enough');
    expect(h2.epochs).toHaveLength(2);
    const h3 = await fit(m, new SGD(0), data, {
      epochs: 10,
      batchSize: 30,
      callbacks: earlyStopping({ monitor: 'loss', patience: 2 }),
    });
    expect(h3.stopped).toMatch(/early stopping: loss did not improve for 2 epochs/);
    expect(h3.epochs).toHaveLength(3); // lr 0: epoch 1 sets the best, 2 and 3 do not improve
    m.dispose();
    opt.dispose();
  });

  it('validates its options', async () => {
    const m = model();
    const opt = new SGD(0.1);
    await expect(fit(m, opt, data, { epoch: 2 } as never)).rejects.toThrow(
      /fit: unknown option 'epoch' \(did you mean 'epochs'\?\)/,
    );
    await expect(fit(m, opt, data, { validationSplit: 1 })).rejects.toThrow(
      "fit: option 'validationSplit' must be a finite number > 0 < 1, got 1",
    );
    await expect(fit(m, opt, data, { validationSplit: 0.1, validationData: data })).rejects.toThrow(
      ArgumentError,
    );
    await expect(
      fit(m, opt, data, { checkpoint: { every: 3, save: () => {} } as never }),
    ).rejects.toThrow(/unknown option 'every' \(did you mean 'everySteps'\?\)/);
    const position: TrainingPosition = { epoch: 1, batchInEpoch: 0, globalStep: 6, seed: 3 };
    await expect(fit(m, opt, data, { resume: position })).rejects.toThrow(/needs seed 3, got 0/);
    expect(() => earlyStopping({ patience: 0 })).toThrow(/'patience' must be an integer >= 1/);
    m.dispose();
  });
});

describe('checkpoints', () => {
  it('name what is wrong with a checkpoint that does not fit, and change nothing', async () => {
    const m = model();
    const opt = new Adam(0.01);
    await fit(m, opt, data, { epochs: 1, batchSize: 20 });
    const position = { epoch: 1, batchInEpoch: 0, globalStep: 3, seed: 0 };
    const bytes = await saveCheckpoint(m, opt, position);
    const target = model(3);
    const before = await weights(target);
    expect(() => loadCheckpoint(bytes, target, new SGD(0.1))).toThrow(
      'checkpoint: saved with optimizer Adam, resumed with SGD',
    );
    const wider = mlp({ inputShape: [1, 6, 6], numClasses: 3, hidden: 9 });
    expect(() => loadCheckpoint(bytes, wider, new Adam(0.01))).toThrow(ShapeError);
    expect(() => loadCheckpoint(bytes, wider, new Adam(0.01))).toThrow(
      /optimizer state '.*' has shape \[8(, 36)?\], expected \[9/,
    );
    const weightsOnly = await saveModel(m);
    expect(() => loadCheckpoint(weightsOnly, target, new Adam(0.01))).toThrow(FormatError);
    expect(() => loadCheckpoint(weightsOnly, target, new Adam(0.01))).toThrow(
      /not a Tessera checkpoint .*loadModel/,
    );
    expect(await weights(target)).toEqual(before);
    // And a good load restores the optimizer's steps and learning rate.
    const opt2 = new Adam(0.5);
    expect(loadCheckpoint(bytes, target, opt2)).toMatchObject(position);
    expect(opt2.steps).toBe(3);
    expect(opt2.lr).toBe(0.01);
    expect(opt2.stateSize).toBe(opt.stateSize);
    for (const t of [m, opt, target, wider, opt2]) t.dispose();
  });
});
