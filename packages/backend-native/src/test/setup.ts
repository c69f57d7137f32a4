/**
 * Shared by the tests: the native backend when the addon is built. Where it is not, tests skip
 * with the reason, except in CI (CI=true), where a backend that failed to build is a failure.
 */
import type { TypedArray } from '@tessera/core';
import type { TensorInfo } from '@tessera/core';
import { createNativeBackend, type NativeBackend } from '../native-backend.js';

export interface NativeAvailability {
  backend?: NativeBackend;
  reason?: string;
}

let cached: NativeAvailability | undefined;

export function nativeAvailability(): NativeAvailability {
  if (cached) return cached;
  try {
    cached = { backend: createNativeBackend({ name: 'native' }) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true')
      throw new Error(`CI: the native backend must build and load here: ${reason}`);
    console.warn(`[backend-native tests] skipped: ${reason}`);
    cached = { reason };
  }
  return cached;
}

/** The backend; only call inside tests that are skipped when it is unavailable. */
export function native(): NativeBackend {
  const b = nativeAvailability().backend;
  if (!b) throw new Error('native backend unavailable');
  return b;
}

export const skipNative = nativeAvailability().backend === undefined;

/** A kernel input on the native backend. */
export function input(
  values: number[] | TypedArray,
  shape: readonly number[],
  dtype: 'float32' | 'int32' = 'float32',
  backend: NativeBackend = native(),
): TensorInfo {
  const arr =
    values instanceof Float32Array || values instanceof Int32Array
      ? values
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Float32Array.from(values);
  return { dataId: backend.write(arr, shape, dtype), shape, dtype };
}

/** Seeded uniform values in [-1, 1) (mulberry32), so failures reproduce. */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** max |a - b| / (1 + |b|) */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(e <= m))
      m = Number.isNaN(e) ? (Number.isNaN(a[i]) && Number.isNaN(b[i]) ? m : Infinity) : e;
  }
  return m;
}
