/**
 * Checkpoints: everything a training run needs to continue exactly where it stopped, in one
 * safetensors file. Tensors: the model's state (`model.<name>`) and the optimizer's state
 * (`optimizer.<parameter>.<slot>`: momentum buffers, Adam moments). Header metadata: the format
 * tag, the optimizer's name, step count and learning rate, and the run's position (completed
 * epochs, batches done in the current epoch, global step, seed). Data order and augmentation
 * are pure functions of (seed, epoch, batch), so the position is the whole RNG state.
 *
 * Bytes in, bytes out: writing them atomically is the caller's job (the CLI writes a temporary
 * file and renames it), so a crash mid-save never destroys the last good checkpoint.
 */
import { ShapeError, formatShape, type Tensor } from '@tessera/core';
import { FormatError } from './errors.js';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'tessera-checkpoint/1';

/** Where a run stands: enough, with the seed, to regenerate every later batch exactly. */
export interface TrainingPosition {
  /** Epochs completed. */
  readonly epoch: number;
  /** Batches completed in the epoch after those (0 at an epoch boundary). */
  readonly batchInEpoch: number;
  /** Optimizer steps taken over the whole run (the learning-rate schedule's input). */
  readonly globalStep: number;
  /** The run's seed (data order and augmentation of every epoch derive from it). */
  readonly seed: number;
}

const MODEL = 'model.';
const OPTIMIZER = 'optimizer.';

function isPosition(v: unknown): v is TrainingPosition {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['epoch', 'batchInEpoch', 'globalStep', 'seed'].every(
    (k) => typeof o[k] === 'number' && Number.isInteger(o[k]),
  );
}

/** Encode model, optimizer and position as one safetensors file. */
export async function saveCheckpoint(
  model: Module,
  optimizer: Optimizer,
  position: TrainingPosition,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const state = model.stateDict();
  const opt = optimizer.stateDict();
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state)) tensors[MODEL + name] = t;
  for (const [name, t] of Object.entries(opt.tensors)) tensors[OPTIMIZER + name] = t;
  try {
    return await saveSafetensors(tensors, {
      ...metadata,
      format: CHECKPOINT_FORMAT,
      optimizer: optimizer.name,
      optimizerSteps: String(opt.steps),
      lr: String(optimizer.lr),
      position: JSON.stringify({
        epoch: position.epoch,
        batchInEpoch: position.batchInEpoch,
        globalStep: position.globalStep,
        seed: position.seed,
      }),
    });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/**
 * Restore a checkpoint into `model` and `optimizer` (built the same way as the saved ones) and
 * return the run's position. Everything is validated before anything changes: the format, the
 * optimizer's kind, every model tensor (missing, unexpected or misshapen ones are named) and
 * every optimizer slot (it must belong to a parameter and have its shape).
 */
export function loadCheckpoint(
  bytes: Uint8Array,
  model: Module,
  optimizer: Optimizer,
): TrainingPosition & { readonly metadata: Readonly<Record<string, string>> } {
  const { tensors, metadata } = loadSafetensors(bytes);
  try {
    if (metadata.format !== CHECKPOINT_FORMAT) {
      throw new FormatError(
        `checkpoint: not a Tessera checkpoint (format ${JSON.stringify(metadata.format ?? null)}, ` +
          `expected '${CHECKPOINT_FORMAT}'); a weights-only file loads with loadModel`,
      );
    }
    if (metadata.optimizer !== optimizer.name) {
      throw new FormatError(
        `checkpoint: saved with optimizer ${metadata.optimizer}, resumed with ${optimizer.name}`,
      );
    }
    let position: unknown;
    try {
      position = JSON.parse(metadata.position ?? '');
    } catch {
      position = undefined;
    }
    const steps = Number(metadata.optimizerSteps);
    const lr = Number(metadata.lr);
    if (!isPosition(position) || !Number.isInteger(steps) || !(lr >= 0)) {
      throw new FormatError(
        'checkpoint: the training position in the header is missing or malformed',
      );
    }
    const modelPart: Record<string, Tensor> = {};
    const optimizerPart: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith(MODEL)) modelPart[name.slice(MODEL.length)] = t;
      else if (name.startsWith(OPTIMIZER)) optimizerPart[name.slice(OPTIMIZER.length)] = t;
      else throw new FormatError(`checkpoint: unexpected tensor '${name}'`);
    }
    const shapes = new Map(model.parameterInfo().map((p) => [p.name, p.shape]));
    for (const [key, t] of Object.entries(optimizerPart)) {
      const shape = shapes.get(key.slice(0, key.lastIndexOf('.')));
      if (!shape) {
        throw new FormatError(
          `checkpoint: optimizer state '${key}' names no parameter of this model`,
        );
      }
      if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
        throw new ShapeError(
          `checkpoint: optimizer state '${key}' has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`,
        );
      }
    }
    // Both parts are validated above or by loadStateDict before it changes anything.
    model.loadStateDict(modelPart);
    optimizer.loadStateDict({ tensors: optimizerPart, steps }, [...shapes.keys()]);
    optimizer.lr = lr;
    return { ...position, metadata };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
