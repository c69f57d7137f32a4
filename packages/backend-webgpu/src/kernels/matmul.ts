/** MatMul: batched GEMM with optional transposes and batch broadcasting. */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { runGemm } from './gemm.js';
import { MATMUL, matmulSource } from './matmul.wgsl.js';
import { data } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

export function matmul(ctx: GpuContext, args: Sig<'MatMul'>): GPUData {
  const { a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k } = args;
  return runGemm(ctx, {
    key: `MatMul:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}`,
    source: (tile, split) => matmulSource(transposeA, transposeB, tile, split),
    layout: MATMUL,
    params: { strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n },
    inputs: [data(a), data(b)],
    m,
    n,
    k,
    batch,
    rowMajorOutput: true,
  });
}
