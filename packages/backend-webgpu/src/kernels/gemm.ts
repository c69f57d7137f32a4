/**
 * Running a GEMM-shaped kernel (MatMul, the convolutions): tile choice, grid, batches over
 * grid z, and split-K for batch-1 GEMMs whose output is too small to keep the device busy
 * (a conv's filter gradient: a few dozen outputs, K = batch * outH * outW).
 */
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import type { ParamLayout, ParamValues } from '../device/params.js';
import { MAX_WORKGROUPS_PER_DIM, grid } from '../device/program.js';
import { fitTile, tileKey, type TileConfig } from '../device/tuning.js';
import { sumOverMiddle } from './reduce.js';

export interface GemmCall {
  /** Pipeline key prefix: kernel name and its own specialisations. */
  readonly key: string;
  readonly source: (tile: TileConfig, split: boolean) => string;
  readonly layout: ParamLayout;
  /** Kernel-specific parameter values (GEMM_FIELDS are filled in here). */
  readonly params: ParamValues;
  readonly inputs: readonly GPUData[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  /** storeC writes C[b][row][col] row-major, so split-K partials can be summed in place. */
  readonly rowMajorOutput: boolean;
}

/** Fewer workgroups than this leave a GPU (or a many-core CPU adapter) idle: split K. */
const MIN_WORKGROUPS = 128;
/** Shortest K slice worth a workgroup of its own. */
const MIN_K_CHUNK = 256;

export function splitsFor(
  tiles: number,
  k: number,
  call: Pick<GemmCall, 'batch' | 'rowMajorOutput'>,
): number {
  if (!call.rowMajorOutput || call.batch !== 1 || tiles >= MIN_WORKGROUPS) return 1;
  const splits = Math.min(
    Math.floor(k / MIN_K_CHUNK),
    Math.ceil(MIN_WORKGROUPS / tiles),
    MAX_WORKGROUPS_PER_DIM,
  );
  return splits >= 2 ? splits : 1;
}

export function runGemm(ctx: GpuContext, call: GemmCall): GPUData {
  const { m, n, k, batch } = call;
  const tile = fitTile(ctx.tuning.gemmTile, m, n);
  const tilesN = Math.ceil(n / (tile.WX * tile.RN));
  const tiles = tilesN * Math.ceil(m / (tile.WY * tile.RM));
  const splits = tiles === 0 ? 1 : splitsFor(tiles, k, call);
  const kChunk = Math.ceil(k / splits);
  const target = ctx.output((splits > 1 ? splits : batch) * m * n, 'float32');
  if (tiles > 0 && batch > 0) {
    const split = splits > 1;
    const program = {
      key: `${call.key}:${tileKey(tile)}${split ? ':splitK' : ''}`,
      source: () => call.source(tile, split),
    };
    const slices = split ? splits : batch;
    for (let z0 = 0; z0 < slices; z0 += MAX_WORKGROUPS_PER_DIM) {
      ctx.run({
        program,
        inputs: call.inputs,
        outputs: [target],
        params: call.layout.pack({
          ...call.params,
          M: m,
          N: n,
          K: k,
          tilesN,
          tiles,
          batchOffset: z0,
          kChunk,
        }),
        workgroups: grid(tiles, Math.min(MAX_WORKGROUPS_PER_DIM, slices - z0)),
      });
    }
  }
  if (splits === 1) return target;
  const out = sumOverMiddle(ctx, target, 1, splits, m * n);
  // Safe to reuse at once: the sum that reads it is already encoded ahead of any later writer.
  ctx.release(target);
  return out;
}
