/**
 * Seeded random tensors. Numbers are drawn on the host with a small counter-free PRNG
 * (mulberry32) and uploaded, so a seed gives the same values on every backend.
 */
import { ArgumentError } from './errors.js';
import { checkOptions, opt, type OptionSchema } from './options.js';
import { checkShape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { tensor } from './ops/creation.js';

export type Rng = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let globalSeedCounter = 0x9e3779b9;
function seedOrNext(seed: number | undefined): number {
  if (seed !== undefined) {
    if (!Number.isFinite(seed)) throw new ArgumentError(`random: 'seed' must be a finite number`);
    return seed;
  }
  globalSeedCounter = (globalSeedCounter + 0x6d2b79f5) >>> 0;
  return globalSeedCounter ^ (Date.now() >>> 0);
}

export interface RandomOptions {
  seed?: number;
}

const randomOptionsSchema: OptionSchema<RandomOptions> = { seed: opt.number() };

export function randomUniform(
  shape: readonly number[],
  min = 0,
  max = 1,
  options: RandomOptions = {},
): Tensor {
  const s = checkShape('randomUniform', 'shape', shape);
  if (!(max >= min))
    throw new ArgumentError(`randomUniform: 'max' (${max}) must be >= 'min' (${min})`);
  checkOptions('randomUniform', options, randomOptionsSchema);
  const rng = mulberry32(seedOrNext(options.seed));
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = min + (max - min) * rng();
  return tensor(data, s);
}

/** Normal samples by Box-Muller. */
export function randomNormal(
  shape: readonly number[],
  mean = 0,
  std = 1,
  options: RandomOptions = {},
): Tensor {
  const s = checkShape('randomNormal', 'shape', shape);
  if (!(std >= 0)) throw new ArgumentError(`randomNormal: 'std' must be >= 0, got ${std}`);
  checkOptions('randomNormal', options, randomOptionsSchema);
  const rng = mulberry32(seedOrNext(options.seed));
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i += 2) {
    const u1 = 1 - rng(); // (0, 1]: log is finite
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    data[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < data.length) data[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return tensor(data, s);
}
