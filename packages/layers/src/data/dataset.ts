/**
 * An in-memory image classification dataset: float32 images [N, C, H, W] in one array and
 * int32 labels. Splits and shuffles are seeded so a run can be repeated exactly.
 */
import { ArgumentError, ShapeError, formatShape, mulberry32 } from '@tessera/core';

export interface Dataset {
  readonly name: string;
  /** size * C * H * W values, example-major. */
  readonly images: Float32Array;
  /** One int32 class in [0, numClasses) per example. */
  readonly labels: Int32Array;
  /** One example's shape [C, H, W]. */
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly size: number;
}

/** Build a dataset, checking that the arrays agree with the shape and the labels are in range. */
export function makeDataset(
  name: string,
  images: Float32Array,
  labels: Int32Array,
  imageShape: readonly [number, number, number],
  numClasses: number,
): Dataset {
  if (!(images instanceof Float32Array) || !(labels instanceof Int32Array)) {
    throw new ArgumentError(
      `dataset '${name}': images must be a Float32Array and labels an Int32Array`,
    );
  }
  if (imageShape.length !== 3 || !imageShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(
      `dataset '${name}': imageShape must be [C, H, W] of positive integers, got ${formatShape(imageShape)}`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ArgumentError(
      `dataset '${name}': numClasses must be a positive integer, got ${numClasses}`,
    );
  }
  const per = imageShape[0] * imageShape[1] * imageShape[2];
  if (images.length !== labels.length * per) {
    throw new ShapeError(
      `dataset '${name}': ${labels.length} labels need ${labels.length * per} image values for ${formatShape(imageShape)} images, got ${images.length}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0 || l >= numClasses) {
      throw new ArgumentError(
        `dataset '${name}': label ${l} of example ${i} is outside [0, ${numClasses})`,
      );
    }
  }
  return {
    name,
    images,
    labels,
    imageShape: [imageShape[0], imageShape[1], imageShape[2]],
    numClasses,
    size: labels.length,
  };
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const rng = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** The examples at `indices`, in that order. */
export function subset(data: Dataset, indices: ArrayLike<number>, name = data.name): Dataset {
  const per = data.imageShape[0] * data.imageShape[1] * data.imageShape[2];
  const images = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= data.size)
      throw new ArgumentError(`subset: index ${j} is outside [0, ${data.size})`);
    images.set(data.images.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = data.labels[j];
  }
  return { ...data, name, images, labels, size: indices.length };
}

/** A fixed, seeded split into train and test (the same seed always gives the same split). */
export function splitDataset(
  data: Dataset,
  testSize: number,
  seed: number,
): { train: Dataset; test: Dataset } {
  if (!Number.isInteger(testSize) || testSize <= 0 || testSize >= data.size) {
    throw new ArgumentError(
      `splitDataset: 'testSize' must be an integer in [1, ${data.size - 1}], got ${testSize}`,
    );
  }
  const p = permutation(data.size, seed);
  const train = subset(data, p.subarray(testSize), `${data.name} (train)`);
  const test = subset(data, p.subarray(0, testSize), `${data.name} (test)`);
  return { train, test };
}
