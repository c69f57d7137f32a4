/** MatMul: batched GEMM with optional transposes and batch broadcasting. */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { MAX_WORKGROUPS_PER_DIM, grid } from '../device/program.js';
import { fitTile } from '../device/tuning.js';
import { tileKey, type TileConfig } from './gemm.wgsl.js';
import { MATMUL, matmulSource } from './matmul.wgsl.js';
import { data } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

/** Dispatch a GEMM-shaped kernel over `batch` z-slices, at most 65535 per dispatch. */
export function dispatchGemm(
  ctx: GpuContext,
  run: (batchOffset: number, batchCount: number, tilesN: number, tiles: number) => void,
  m: number,
  n: number,
  batch: number,
  tile: TileConfig,
): void {
  const tilesN = Math.ceil(n / (tile.WX * tile.RN));
  const tilesM = Math.ceil(m / (tile.WY * tile.RM));
  const tiles = tilesN * tilesM;
  if (tiles === 0) return;
  for (let b0 = 0; b0 < batch; b0 += MAX_WORKGROUPS_PER_DIM) {
    run(b0, Math.min(MAX_WORKGROUPS_PER_DIM, batch - b0), tilesN, tiles);
  }
}

export function matmul(ctx: GpuContext, args: Sig<'MatMul'>): GPUData {
  const { a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k } = args;
  const out = ctx.output(batch * m * n, 'float32');
  const tile = fitTile(ctx.tuning.gemmTile, m, n);
  const program = {
    key: `MatMul:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}:${tileKey(tile)}`,
    source: () => matmulSource(transposeA, transposeB, tile),
  };
  dispatchGemm(
    ctx,
    (batchOffset, count, tilesN, tiles) =>
      ctx.run({
        program,
        inputs: [data(a), data(b)],
        outputs: [out],
        params: MATMUL.pack({
          M: m,
          N: n,
          K: k,
          tilesN,
          tiles,
          batchOffset,
          strideA: batchA === 1 ? 0 : m * k,
          strideB: batchB === 1 ? 0 : k * n,
        }),
        workgroups: grid(tiles, count),
      }),
    m,
    n,
    batch,
    tile,
  );
  return out;
}
