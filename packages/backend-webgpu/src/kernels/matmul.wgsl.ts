/** WGSL loaders for batched MatMul on the shared GEMM skeleton (gemm.wgsl.ts). */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { GEMM_FIELDS, gemmSource, type TileConfig } from './gemm.wgsl.js';

export const MATMUL = paramLayout([...GEMM_FIELDS, ['strideA', 'u32'], ['strideB', 'u32']]);

export function matmulSource(
  transposeA: boolean,
  transposeB: boolean,
  tile: TileConfig,
  split: boolean,
): string {
  // a is [batchA, M, K] or [batchA, K, M] (transposeA); b is [batchB, K, N] or [batchB, N, K].
  // Every address is (row or column part) + (k part).
  const aRow = transposeA ? 'b * p.strideA + row' : 'b * p.strideA + row * p.K';
  const aK = transposeA ? 'k * p.M' : 'k';
  const bCol = transposeB ? 'b * p.strideB + col * p.K' : 'b * p.strideB + col';
  const bK = transposeB ? 'k' : 'k * p.N';
  return gemmSource(
    {
      bindings: bindings(
        [
          ['A', 'f32'],
          ['B', 'f32'],
        ],
        [['C', 'f32']],
        MATMUL,
      ),
      functions: `
fn aRow(b: u32, row: u32) -> u32 { return ${aRow}; }
fn aK(b: u32, k: u32) -> u32 { return ${aK}; }
fn loadAf(r: u32, k: u32) -> f32 { return A[r + k]; }
fn bK(b: u32, k: u32) -> u32 { return ${bK}; }
fn bCol(b: u32, col: u32) -> u32 { return ${bCol}; }
fn loadBf(k: u32, c: u32) -> f32 { return B[k + c]; }
fn storeC(b: u32, row: u32, col: u32, v: f32) { C[(b * p.M + row) * p.N + col] = v; }`,
      aContiguous: transposeA ? 'row' : 'k',
      bContiguous: transposeB ? 'k' : 'col',
    },
    tile,
    MATMUL,
    split,
  );
}
