/** Benchmark cases: each builds its inputs once, then `run` is what gets timed. */
import { conv2d, matmul, randomNormal, type Tensor } from '@tessera/core';

export interface BenchCase {
  id: string;
  label: string;
  /** Floating-point operations of one run (2 per multiply-add). */
  flops: number;
  setup: () => Tensor[];
  run: (inputs: Tensor[]) => Tensor;
}

function matmulCase(n: number): BenchCase {
  return {
    id: `matmul-${n}`,
    label: `matmul ${n}×${n}`,
    flops: 2 * n * n * n,
    setup: () => [randomNormal([n, n], 0, 1, { seed: 1 }), randomNormal([n, n], 0, 1, { seed: 2 })],
    run: ([a, b]) => matmul(a, b),
  };
}

function convCase(
  id: string,
  label: string,
  x: [number, number, number, number],
  w: [number, number, number, number],
  padding = 0,
): BenchCase {
  const outH = x[2] + 2 * padding - w[2] + 1;
  const outW = x[3] + 2 * padding - w[3] + 1;
  return {
    id,
    label,
    flops: 2 * x[0] * w[0] * outH * outW * w[1] * w[2] * w[3],
    setup: () => [randomNormal(x, 0, 1, { seed: 3 }), randomNormal(w, 0, 0.1, { seed: 4 })],
    run: ([a, b]) => conv2d(a, b, { padding }),
  };
}

export const CASES: BenchCase[] = [
  matmulCase(128),
  matmulCase(256),
  matmulCase(512),
  convCase('conv-lenet', 'conv 32×1×28×28 ⊛ 6×5×5', [32, 1, 28, 28], [6, 1, 5, 5], 2),
  convCase('conv-lecture', 'conv 16×3×32×32 ⊛ 6×5×5', [16, 3, 32, 32], [6, 3, 5, 5]),
  convCase('conv-3x3', 'conv 8×16×32×32 ⊛ 32×3×3', [8, 16, 32, 32], [32, 16, 3, 3], 1),
];
