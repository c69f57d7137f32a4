/**
 * Kernel shapes chosen per device. The GEMM tile (see kernels/gemm.wgsl.ts) is the one knob
 * that matters: GPUs want big tiles staged in workgroup memory, CPU adapters (SwiftShader,
 * llvmpipe) run workgroups as loops on one core where barriers are expensive.
 */
export interface TileConfig {
  /** Invocations along N (columns) and M (rows). */
  readonly WX: number;
  readonly WY: number;
  /** Outputs per invocation along M and N. */
  readonly RM: number;
  readonly RN: number;
  /** Depth of the K slice staged per barrier pair. */
  readonly TK: number;
}

export interface Tuning {
  readonly gemmTile: TileConfig;
}

/** 8x8 invocations, 4x4 outputs each: 32x32 tiles, 16 deep (4 KiB of workgroup memory). */
export const DEFAULT_TILE: TileConfig = { WX: 8, WY: 8, RM: 4, RN: 4, TK: 16 };

export function tileKey(t: TileConfig): string {
  return `${t.WX}x${t.WY}r${t.RM}x${t.RN}k${t.TK}`;
}

export function defaultTuning(): Tuning {
  return { gemmTile: DEFAULT_TILE };
}
