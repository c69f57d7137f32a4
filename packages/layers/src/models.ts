/**
 * Ready-made models for image classification (NCHW input, logits out):
 *   linear   f = Wx + b on the flattened image (a linear classifier)
 *   mlp      the 2-layer net: FC -> ReLU -> FC
 *   lenet    conv 5x5 -> ReLU -> pool -> conv 5x5 -> ReLU -> pool -> FC -> ReLU -> FC
 *   convnet  the lecture's stack: six 5x5 filters -> ReLU -> ten 5x5 filters -> ReLU -> FC
 *            (on a 32x32x3 image: 28x28x6, then 24x24x10)
 */
import { ArgumentError } from '@tessera/core';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './pooling.js';
import { ReLU } from './activations.js';
import { Sequential } from './sequential.js';
import type { Module } from './module.js';

export interface ModelOptions {
  /** One example's shape [C, H, W] (default MNIST's [1, 28, 28]). */
  inputShape?: readonly [number, number, number];
  numClasses?: number;
  /** Seed of the initial weights (default 0): the same seed gives the same model. */
  seed?: number;
  /** Hidden units of mlp (default 128) and of lenet's first FC layer (default 120). */
  hidden?: number;
}

interface Resolved {
  shape: readonly [number, number, number];
  classes: number;
  seed: number;
}

function resolve(name: string, o: ModelOptions): Resolved {
  const shape = o.inputShape ?? [1, 28, 28];
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ArgumentError(
      `${name}: 'inputShape' must be [C, H, W] positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  const classes = o.numClasses ?? 10;
  if (!Number.isInteger(classes) || classes < 2)
    throw new ArgumentError(`${name}: 'numClasses' must be an integer >= 2, got ${classes}`);
  return { shape, classes, seed: o.seed ?? 0 };
}

/** Flattened feature count after `layers` for one example of `shape`. */
function featuresAfter(layers: Module[], shape: readonly number[]): number {
  let s = [1, ...shape];
  for (const l of layers) s = l.outputShape(s);
  return s.slice(1).reduce((a, b) => a * b, 1);
}

export function linear(options: ModelOptions = {}): Sequential {
  const { shape, classes, seed } = resolve('linear', options);
  const inputs = shape[0] * shape[1] * shape[2];
  return new Sequential([new Flatten(), new Linear(inputs, classes)], { seed, name: 'linear' });
}

export function mlp(options: ModelOptions = {}): Sequential {
  const { shape, classes, seed } = resolve('mlp', options);
  const hidden = options.hidden ?? 128;
  const inputs = shape[0] * shape[1] * shape[2];
  return new Sequential(
    [new Flatten(), new Linear(inputs, hidden), new ReLU(), new Linear(hidden, classes)],
    {
      seed,
      name: 'mlp',
    },
  );
}

export function lenet(options: ModelOptions = {}): Sequential {
  const { shape, classes, seed } = resolve('lenet', options);
  const hidden = options.hidden ?? 120;
  // 'same' padding on the first conv keeps 28x28 (LeNet-5 padded MNIST to 32x32 for the same effect).
  const features = [
    new Conv2d(shape[0], 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
  ];
  const n = featuresAfter(features, shape);
  return new Sequential(
    [...features, new Linear(n, hidden), new ReLU(), new Linear(hidden, classes)],
    { seed, name: 'lenet' },
  );
}

export function convnet(options: ModelOptions = {}): Sequential {
  const { shape, classes, seed } = resolve('convnet', options);
  const features = [
    new Conv2d(shape[0], 6, 5),
    new ReLU(),
    new Conv2d(6, 10, 5),
    new ReLU(),
    new Flatten(),
  ];
  const n = featuresAfter(features, shape);
  return new Sequential([...features, new Linear(n, classes)], { seed, name: 'convnet' });
}

export const MODELS = {
  linear: { build: linear, description: 'linear classifier f = Wx + b on the flattened image' },
  mlp: { build: mlp, description: '2-layer net: FC -> ReLU -> FC' },
  lenet: {
    build: lenet,
    description:
      'conv5x5(6) -> ReLU -> pool -> conv5x5(16) -> ReLU -> pool -> FC(120) -> ReLU -> FC',
  },
  convnet: {
    build: convnet,
    description: "the lecture's conv stack: 6x5x5 -> ReLU -> 10x5x5 -> ReLU -> FC",
  },
} as const;

export type ModelName = keyof typeof MODELS;

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODELS, name);
}

/** Build a model by name; an unknown name is an ArgumentError listing the known ones. */
export function buildModel(name: string, options: ModelOptions = {}): Sequential {
  if (!isModelName(name)) {
    throw new ArgumentError(`unknown model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
  }
  return MODELS[name].build(options);
}
