/**
 * Test harness: one backend per test file on a real adapter (SwiftShader through Dawn unless
 * the environment selects another), helpers to move data in and out, and a tolerance check.
 * Outside CI a machine without an adapter skips the GPU tests; in CI (CI=true) that is a failure.
 */
import { expect } from 'vitest';
import type { DType, TensorInfo } from '@tessera/core';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from '../backend.js';
import { CPU_TILE, DEFAULT_TILE, type TileConfig } from '../device/tuning.js';

export const inCI = process.env.CI === 'true';

let unavailable: string | undefined;

/** A fresh backend, or undefined (tests skip) when no adapter exists outside CI. */
export async function openBackend(
  options: WebGPUBackendOptions = {},
): Promise<WebGPUBackend | undefined> {
  try {
    return await createWebGPUBackend({ onDeviceLost: () => {}, ...options });
  } catch (err) {
    unavailable = err instanceof Error ? err.message : String(err);
    if (inCI) throw err;
    console.warn(`skipping WebGPU tests: ${unavailable}`);
    return undefined;
  }
}

export function tensor(
  be: WebGPUBackend,
  values: readonly number[] | Float32Array | Int32Array,
  shape: readonly number[],
  dtype: DType = 'float32',
): TensorInfo {
  const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return { dataId: be.write(typed, shape, dtype), shape, dtype };
}

export async function values(be: WebGPUBackend, dataId: object): Promise<number[]> {
  const out = Array.from(await be.read(dataId));
  be.disposeData(dataId);
  return out;
}

/** Deterministic values in [lo, hi) (mulberry32), so failures reproduce. */
export function random(n: number, seed = 1, lo = -1, hi = 1): number[] {
  let a = seed >>> 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

export function randomInts(n: number, seed: number, lo: number, hi: number): number[] {
  return random(n, seed, lo, hi).map(Math.floor);
}

/** Every element within `tol` relative to max(1, |expected|); NaN only where NaN is expected. */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tol = 1e-4,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `element ${i}: expected NaN, got ${a}`).toBe(true);
    } else if (!Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
    }
  }
}

/** float32 rounding of a float64 value, for exact comparisons of data movement. */
export const f32 = (v: number) => Math.fround(v);

/**
 * GEMM tile shapes every GEMM-based kernel is tested with, whatever this adapter's default:
 * the staged GPU tile, the register tile for CPU adapters, and an odd staged shape.
 */
export const TEST_TILES: readonly (readonly [string, TileConfig])[] = [
  ['workgroup-staged 8x8x(4x4)', DEFAULT_TILE],
  ['register 8x4x(8x8)', CPU_TILE],
  ['workgroup-staged 4x8x(2x4) k8', { WX: 4, WY: 8, RM: 2, RN: 4, TK: 8 }],
];
