/** WGSL loaders for batched MatMul on the shared GEMM skeleton (gemm.wgsl.ts). */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { GEMM_FIELDS, gemmSource, type TileConfig } from './gemm.wgsl.js';

export const MATMUL = paramLayout([...GEMM_FIELDS, ['strideA', 'u32'], ['strideB', 'u32']]);

export function matmulSource(transposeA: boolean, transposeB: boolean, tile: TileConfig): string {
  // a is [batchA, M, K] or [batchA, K, M] (transposeA); b is [batchB, K, N] or [batchB, N, K].
  const aIndex = transposeA ? 'k * p.M + row' : 'row * p.K + k';
  const bIndex = transposeB ? 'col * p.K + k' : 'k * p.N + col';
  return gemmSource(
    {
      bindings: bindings([['A', 'f32'], ['B', 'f32']], [['C', 'f32']], MATMUL),
      functions: `
fn loadA(b: u32, row: u32, k: u32) -> f32 { return A[b * p.strideA + ${aIndex}]; }
fn loadB(b: u32, k: u32, col: u32) -> f32 { return B[b * p.strideB + ${bIndex}]; }
fn storeC(b: u32, row: u32, col: u32, v: f32) { C[(b * p.M + row) * p.N + col] = v; }`,
      aContiguous: transposeA ? 'row' : 'k',
      bContiguous: transposeB ? 'k' : 'col',
    },
    tile,
    MATMUL,
  );
}
