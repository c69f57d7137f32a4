/**
 * Seeded weight initialisers. An initialiser only describes how to fill a shape; layers call it
 * lazily, so a layer can declare a huge weight (for parameter counting) without allocating it.
 */
import { ArgumentError, fill, randomNormal, randomUniform, type Tensor } from '@tessera/core';

/** Fan-in and fan-out of a weight: the numbers He and Xavier scale by. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

export interface Initializer {
  readonly name: string;
  /** A new tensor of `shape`; `seed` undefined draws a fresh seed (not reproducible). */
  create(shape: readonly number[], fans: Fans, seed: number | undefined): Tensor;
}

function checkFans(name: string, fans: Fans): void {
  if (!(fans.fanIn > 0) || !(fans.fanOut > 0)) {
    throw new ArgumentError(
      `${name}: fanIn and fanOut must be positive, got ${fans.fanIn} and ${fans.fanOut}`,
    );
  }
}

/** He (Kaiming) normal: std = sqrt(2 / fanIn), for layers followed by ReLU. */
export function heNormal(): Initializer {
  return {
    name: 'heNormal',
    create(shape, fans, seed) {
      checkFans('heNormal', fans);
      return randomNormal(shape, 0, Math.sqrt(2 / fans.fanIn), { seed });
    },
  };
}

/** He uniform: U(-a, a) with a = sqrt(6 / fanIn). */
export function heUniform(): Initializer {
  return {
    name: 'heUniform',
    create(shape, fans, seed) {
      checkFans('heUniform', fans);
      const a = Math.sqrt(6 / fans.fanIn);
      return randomUniform(shape, -a, a, { seed });
    },
  };
}

/** Xavier/Glorot uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(): Initializer {
  return {
    name: 'xavierUniform',
    create(shape, fans, seed) {
      checkFans('xavierUniform', fans);
      const a = Math.sqrt(6 / (fans.fanIn + fans.fanOut));
      return randomUniform(shape, -a, a, { seed });
    },
  };
}

/** Xavier/Glorot normal: std = sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(): Initializer {
  return {
    name: 'xavierNormal',
    create(shape, fans, seed) {
      checkFans('xavierNormal', fans);
      return randomNormal(shape, 0, Math.sqrt(2 / (fans.fanIn + fans.fanOut)), { seed });
    },
  };
}

export const glorotUniform = xavierUniform;
export const glorotNormal = xavierNormal;

/** Every element `value` (biases start at zero). */
export function constant(value: number): Initializer {
  if (!Number.isFinite(value))
    throw new ArgumentError(`constant: 'value' must be finite, got ${value}`);
  return {
    name: value === 0 ? 'zeros' : `constant(${value})`,
    create: (shape) => fill(shape, value),
  };
}

export function zeros(): Initializer {
  return constant(0);
}

/** Mix two integers into a 32-bit seed (murmur3's finaliser), so child seeds do not collide. */
export function mixSeed(seed: number, salt: number): number {
  let h = (Math.floor(seed) ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
