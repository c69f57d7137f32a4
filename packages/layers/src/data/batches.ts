/** Mini-batches of a dataset as tensors, optionally shuffled with a seed. */
import { ArgumentError, mulberry32, tensor, type Tensor } from '@tessera/core';
import { permutation, type Dataset } from './dataset.js';
import type { Augmentation } from './augment.js';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0); use a different one per epoch. */
  seed?: number;
  /** Skip a last, smaller batch (default false). */
  dropLast?: boolean;
  /** Applied to each batch's images on the host (its random draws are seeded by `seed`). */
  augment?: Augmentation;
  /**
   * Start at this batch index (default 0), yielding exactly the batches a full pass would yield
   * from there on: earlier batches are still drawn on the host so the augmentation's random
   * stream is where it would be (resuming a run mid-epoch).
   */
  startBatch?: number;
}

export interface Batch {
  /** Images [B, C, H, W]; the caller disposes it. */
  readonly x: Tensor;
  /** int32 labels [B]; the caller disposes it. */
  readonly y: Tensor;
  /** The labels on the host. */
  readonly labels: Int32Array;
  readonly size: number;
  readonly index: number;
}

function checkOptions(options: BatchOptions): void {
  if (!Number.isInteger(options?.batchSize) || options.batchSize <= 0) {
    throw new ArgumentError(
      `batches: 'batchSize' must be a positive integer, got ${options?.batchSize}`,
    );
  }
  const start = options.startBatch ?? 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new ArgumentError(`batches: 'startBatch' must be an integer >= 0, got ${start}`);
  }
}

export function numBatches(data: Dataset, options: BatchOptions): number {
  checkOptions(options);
  return options.dropLast
    ? Math.floor(data.size / options.batchSize)
    : Math.ceil(data.size / options.batchSize);
}

/** Yields batches lazily: only one batch's tensors exist at a time if the caller disposes them. */
export function* batches(data: Dataset, options: BatchOptions): Generator<Batch> {
  checkOptions(options);
  const order = options.shuffle ? permutation(data.size, options.seed ?? 0) : undefined;
  const [c, h, w] = data.imageShape;
  const per = c * h * w;
  const count = numBatches(data, options);
  const rng = mulberry32(((options.seed ?? 0) ^ 0x5bd1e995) >>> 0);
  const startBatch = options.startBatch ?? 0;
  for (let b = 0; b < count; b++) {
    // A skipped batch is only assembled when an augmentation must consume its random draws.
    if (b < startBatch && !options.augment) continue;
    const start = b * options.batchSize;
    const size = Math.min(options.batchSize, data.size - start);
    const images = new Float32Array(size * per);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const j = order ? order[start + i] : start + i;
      images.set(data.images.subarray(j * per, (j + 1) * per), i * per);
      labels[i] = data.labels[j];
    }
    options.augment?.(images, size, data.imageShape, rng);
    if (b < startBatch) continue;
    const x = tensor(images, [size, c, h, w]);
    const y = tensor(labels, [size], 'int32');
    yield { x, y, labels, size, index: b };
  }
}
