/**
 * `fit`: the training loop users expect, built on `trainStep`. Epochs of seeded, shuffled
 * mini-batches; a learning-rate schedule; validation after each epoch; callbacks that see every
 * batch and epoch and may stop the run; checkpoints every N steps and at each epoch's end; an
 * AbortSignal; exact resumption from a checkpoint. Returns the per-epoch history.
 *
 * Step k's loss is read after step k+1 has been queued, so on backends that compute in the
 * background the next batch is built while the previous one runs. Memory stays flat: one step's
 * tensors are in flight at a time.
 */
import { ArgumentError, checkOptions, opt, type OptionSchema } from '@tessera/core';
import { saveCheckpoint, type TrainingPosition } from './checkpoint.js';
import type { Augmentation } from './data/augment.js';
import { batches, numBatches, type Batch } from './data/batches.js';
import { splitDataset, type Dataset } from './data/dataset.js';
import { mixSeed } from './init.js';
import type { LossFunction } from './losses.js';
import { evaluate } from './metrics.js';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';
import type { LrSchedule } from './optim/schedule.js';
import { trainStep, type TrainStepResult } from './train-step.js';

export interface BatchLog {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 0-based batch index within the epoch. */
  readonly batch: number;
  readonly globalStep: number;
  readonly size: number;
  readonly loss: number;
  /** Correct predictions in the batch (classification with the default loss). */
  readonly correct?: number;
  readonly lr: number;
}

export interface EpochLog {
  readonly epoch: number;
  /** Mean training loss over the epoch's examples (those run in this call, after a resume). */
  readonly loss: number;
  readonly accuracy?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly seconds: number;
  readonly examples: number;
  /** Learning rate of the epoch's last step. */
  readonly lr: number;
}

/** Passed to callbacks: ask the run to stop after the current batch or epoch. */
export interface FitControl {
  stop(reason: string): void;
}

export interface FitCallbacks {
  onBatchEnd?(log: BatchLog, control: FitControl): void | Promise<void>;
  onEpochEnd?(log: EpochLog, control: FitControl): void | Promise<void>;
}

export interface CheckpointOptions {
  /** Save after every this many optimizer steps (default: only at each epoch's end). */
  everySteps?: number;
  /** Save at the end of every epoch (default true). */
  onEpochEnd?: boolean;
  /** Receives the checkpoint bytes (write them atomically) and where the run stands. */
  save(bytes: Uint8Array, position: TrainingPosition): void | Promise<void>;
}

export interface FitOptions {
  /** Train until this many epochs are complete (default 1), counting any resumed ones. */
  epochs?: number;
  batchSize?: number;
  /** Seed of the batch order, augmentation and validation split (default 0). */
  seed?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  augment?: Augmentation;
  /** Evaluated after every epoch. */
  validationData?: Dataset;
  /** Or hold out this fraction of `data` (seeded), in (0, 1). */
  validationSplit?: number;
  /** Learning rate per global step (0-based); the optimizer's rate is used when absent. */
  schedule?: LrSchedule;
  loss?: LossFunction;
  callbacks?: FitCallbacks | readonly FitCallbacks[];
  checkpoint?: CheckpointOptions;
  signal?: AbortSignal;
  /** Continue a run from a checkpoint's position (see loadCheckpoint). */
  resume?: TrainingPosition;
}

export interface FitHistory {
  readonly epochs: EpochLog[];
  /** Why the run ended before `epochs`: a callback's reason, or 'aborted'. */
  readonly stopped?: string;
  readonly position: TrainingPosition;
}

const positiveInt = opt.number({ integer: true, min: 1 });
const isObject = (op: string, key: string, v: unknown) => {
  if (typeof v !== 'object' || v === null)
    throw new ArgumentError(`${op}: option '${key}' must be an object, got ${String(v)}`);
};

const fitSchema: OptionSchema<FitOptions> = {
  epochs: positiveInt,
  batchSize: positiveInt,
  seed: opt.number({ integer: true }),
  shuffle: opt.boolean(),
  augment: opt.function(),
  validationData: isObject,
  validationSplit: opt.number({ greaterThan: 0, lessThan: 1 }),
  schedule: opt.function(),
  loss: opt.function(),
  callbacks: isObject,
  checkpoint: isObject,
  signal: isObject,
  resume: isObject,
};

/** Train `model` on `data` with `optimizer`; see FitOptions. */
export async function fit(
  model: Module,
  optimizer: Optimizer,
  data: Dataset,
  options: FitOptions = {},
): Promise<FitHistory> {
  checkOptions('fit', options, fitSchema);
  if (options.validationData && options.validationSplit !== undefined) {
    throw new ArgumentError(`fit: pass 'validationData' or 'validationSplit', not both`);
  }
  const ck = options.checkpoint;
  if (ck) {
    checkOptions('fit checkpoint', ck, {
      everySteps: positiveInt,
      onEpochEnd: opt.boolean(),
      save: opt.function(),
    });
    if (typeof ck.save !== 'function')
      throw new ArgumentError(`fit: option 'checkpoint' needs a 'save' function`);
  }
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  let train = data;
  let validation = options.validationData;
  if (options.validationSplit !== undefined) {
    const held = Math.max(1, Math.round(data.size * options.validationSplit));
    ({ train, test: validation } = splitDataset(data, held, mixSeed(seed, 0x7a11)));
  }
  const callbacks = [options.callbacks ?? []].flat();
  let stopped: string | undefined;
  const control: FitControl = { stop: (reason) => (stopped ??= reason) };
  const steps = numBatches(train, { batchSize });
  const resume = options.resume;
  let position: TrainingPosition = resume ?? { epoch: 0, batchInEpoch: 0, globalStep: 0, seed };
  if (resume && resume.seed !== seed) {
    throw new ArgumentError(
      `fit: resuming a run with seed ${resume.seed} needs seed ${resume.seed}, got ${seed}`,
    );
  }
  const history: EpochLog[] = [];
  const save = async () => {
    if (ck) await ck.save(await saveCheckpoint(model, optimizer, position), position);
  };

  model.parameters(); // lazy parameters exist before the first step's tape
  model.train();
  while (position.epoch < epochs && stopped === undefined) {
    const epoch = position.epoch + 1;
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let counted = 0;
    let examples = 0;
    let lr = optimizer.lr;
    let inFlight: { r: TrainStepResult; batch: Batch; lr: number; step: number } | undefined;
    const settle = async (f: NonNullable<typeof inFlight>) => {
      const loss = (await f.r.loss.data())[0];
      const right = f.r.correct ? (await f.r.correct.data())[0] : undefined;
      for (const t of [f.r.loss, f.r.correct, f.batch.x, f.batch.y]) t?.dispose();
      lossSum += loss * f.batch.size;
      examples += f.batch.size;
      if (right !== undefined) {
        correct += right;
        counted += f.batch.size;
      }
      const log: BatchLog = {
        epoch,
        batch: f.batch.index,
        globalStep: f.step,
        size: f.batch.size,
        loss,
        ...(right !== undefined ? { correct: right } : {}),
        lr: f.lr,
      };
      for (const c of callbacks) await c.onBatchEnd?.(log, control);
    };
    const order = batches(train, {
      batchSize,
      shuffle: options.shuffle ?? true,
      seed: mixSeed(seed, epoch),
      ...(options.augment ? { augment: options.augment } : {}),
      startBatch: position.batchInEpoch,
    });
    for (const b of order) {
      if (options.signal?.aborted) {
        stopped ??= 'aborted';
        b.x.dispose();
        b.y.dispose();
        break;
      }
      if (options.schedule) optimizer.lr = options.schedule(position.globalStep);
      lr = optimizer.lr;
      const r = trainStep(model, optimizer, b.x, b.y, options.loss ? { loss: options.loss } : {});
      const current = { r, batch: b, lr, step: position.globalStep };
      position = { ...position, batchInEpoch: b.index + 1, globalStep: position.globalStep + 1 };
      if (inFlight) await settle(inFlight);
      inFlight = current;
      if (ck?.everySteps && position.globalStep % ck.everySteps === 0) await save();
      if (stopped !== undefined) break;
    }
    if (inFlight) await settle(inFlight);
    if (stopped !== undefined && position.batchInEpoch < steps) break;
    position = { ...position, epoch, batchInEpoch: 0 };
    const ev = validation ? await evaluate(model, validation) : undefined; // restores train mode
    const log: EpochLog = {
      epoch,
      loss: examples ? lossSum / examples : NaN,
      ...(counted ? { accuracy: correct / counted } : {}),
      ...(ev ? { valLoss: ev.meanLoss, valAccuracy: ev.accuracy } : {}),
      seconds: (performance.now() - t0) / 1000,
      examples,
      lr,
    };
    history.push(log);
    if (ck && (ck.onEpochEnd ?? true)) await save();
    for (const c of callbacks) await c.onEpochEnd?.(log, control);
  }
  return { epochs: history, position, ...(stopped !== undefined ? { stopped } : {}) };
}

export interface EarlyStoppingOptions {
  /** 'valLoss' (default), 'loss', 'valAccuracy' or 'accuracy'. */
  monitor?: 'valLoss' | 'loss' | 'valAccuracy' | 'accuracy';
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

/** Stop when the monitored metric has not improved for `patience` epochs. */
export function earlyStopping(options: EarlyStoppingOptions = {}): FitCallbacks {
  checkOptions('earlyStopping', options, {
    monitor: opt.oneOf('valLoss', 'loss', 'valAccuracy', 'accuracy'),
    patience: opt.number({ integer: true, min: 1 }),
    minDelta: opt.number({ min: 0 }),
  });
  const monitor = options.monitor ?? 'valLoss';
  const patience = options.patience ?? 3;
  const minDelta = options.minDelta ?? 0;
  const higherIsBetter = monitor.endsWith('ccuracy');
  let best = higherIsBetter ? -Infinity : Infinity;
  let waited = 0;
  return {
    onEpochEnd(log, control) {
      const value = log[monitor];
      if (value === undefined) {
        throw new ArgumentError(
          `earlyStopping: '${monitor}' is not in the epoch log (pass validation data to monitor val*)`,
        );
      }
      const improved = higherIsBetter ? value > best + minDelta : value < best - minDelta;
      if (improved) {
        best = value;
        waited = 0;
      } else if (++waited >= patience) {
        control.stop(`early stopping: ${monitor} did not improve for ${patience} epochs`);
      }
    },
  };
}
