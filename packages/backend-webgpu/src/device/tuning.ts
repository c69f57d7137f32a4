/**
 * Kernel shapes chosen per device. The GEMM tile (see kernels/gemm.wgsl.ts) is the one knob
 * that matters: GPUs want big tiles staged in workgroup memory, CPU adapters (SwiftShader,
 * llvmpipe) run workgroups as loops on one core where barriers are expensive.
 */
import { isSoftwareAdapter } from './adapter.js';

export interface TileConfig {
  /** Invocations along N (columns) and M (rows). */
  readonly WX: number;
  readonly WY: number;
  /** Outputs per invocation along M and N. */
  readonly RM: number;
  readonly RN: number;
  /** Depth of the K slice staged per barrier pair. */
  readonly TK: number;
  /**
   * 'workgroup': stage A and B slices in workgroup memory (GPUs). 'registers': every
   * invocation reads its operands straight from the buffers, with no barriers (CPU adapters,
   * whose caches do the staging and whose barriers are expensive). Default 'workgroup'.
   */
  readonly staging?: 'workgroup' | 'registers';
}

export interface Tuning {
  readonly gemmTile: TileConfig;
}

/** 8x8 invocations, 4x4 outputs each: 32x32 tiles, 16 deep (4 KiB of workgroup memory). */
export const DEFAULT_TILE: TileConfig = { WX: 8, WY: 8, RM: 4, RN: 4, TK: 16 };

export function tileKey(t: TileConfig): string {
  return `${t.WX}x${t.WY}r${t.RM}x${t.RN}k${t.TK}${t.staging === 'registers' ? 'reg' : ''}`;
}

/**
 * For CPU adapters: 32 invocations, 8x8 outputs each, operands read directly. Measured on
 * SwiftShader (bench/tile-sweep.mjs): 2-3x less CPU time per matmul than the staged tile.
 */
export const CPU_TILE: TileConfig = { WX: 8, WY: 4, RM: 8, RN: 8, TK: 1, staging: 'registers' };

/** Adapters that run shaders on the CPU (the same test the backend's software flag uses). */
export function isCpuAdapter(info: GPUAdapterInfo): boolean {
  return isSoftwareAdapter(info);
}

/** Why `t` cannot run on a device with `maxInvocations` per workgroup, or undefined when it can. */
export function tileProblem(t: TileConfig, maxInvocations: number): string | undefined {
  const fields = [t.WX, t.WY, t.RM, t.RN, t.TK];
  if (!fields.every((v) => Number.isInteger(v) && v >= 1)) {
    return `WX, WY, RM, RN and TK must be positive integers, got ${JSON.stringify(t)}`;
  }
  const T = t.WX * t.WY;
  if (T > maxInvocations)
    return `WX*WY = ${T} exceeds this device's ${maxInvocations} invocations per workgroup`;
  if (
    t.staging !== 'registers' &&
    ((t.WY * t.RM * t.TK) % T !== 0 || (t.WX * t.RN * t.TK) % T !== 0)
  ) {
    return `a staged tile needs WY*RM*TK and WX*RN*TK to be multiples of WX*WY, got ${JSON.stringify(t)}`;
  }
  return undefined;
}

export function defaultTuning(info?: GPUAdapterInfo): Tuning {
  return { gemmTile: info && isCpuAdapter(info) ? CPU_TILE : DEFAULT_TILE };
}

/**
 * Shrink a register tile for a small GEMM so invocations do not compute clamped duplicate
 * rows or columns (a 1-row GEMM would otherwise do 32x the work): first fewer outputs per
 * invocation, then fewer invocations along that side and more along the other. Staged tiles
 * keep their shape: their staging loops depend on it, and GPUs have parallelism to spare.
 */
export function fitTile(t: TileConfig, m: number, n: number): TileConfig {
  if (t.staging !== 'registers') return t;
  let { WX, WY, RM, RN } = t;
  while (RM > 1 && (RM / 2) * WY >= m) RM /= 2;
  while (RN > 1 && (RN / 2) * WX >= n) RN /= 2;
  while (RM === 1 && WY > 1 && WY / 2 >= m && WX * RN < n) {
    WY /= 2;
    WX *= 2;
  }
  while (RN === 1 && WX > 1 && WX / 2 >= n && WY * RM < m) {
    WX /= 2;
    WY *= 2;
  }
  return WX === t.WX && WY === t.WY && RM === t.RM && RN === t.RN ? t : { ...t, WX, WY, RM, RN };
}
