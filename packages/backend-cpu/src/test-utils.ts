/**
 * Helpers shared by this package's tests (not part of the build). Expected values always come
 * from naive float64 loops written in the tests themselves, never from the code under test.
 */
import type {
  ConvGeometry,
  DataId,
  DType,
  KernelName,
  KernelSignatures,
  TensorInfo,
  TypedArray,
} from '@tessera/core';
import { expect } from 'vitest';
import { CpuBackend } from './cpu-backend.js';

/** A backend whose pooled buffers are poisoned, so unwritten outputs show up as NaN. */
export function testBackend(): CpuBackend {
  return new CpuBackend({ poison: true });
}

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let a = seed >>> 0;
  return (lo = -1, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Random float32 values (already rounded to float32, so float64 references see the same inputs). */
export function randF32(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = r(lo, hi);
  return out;
}

export function randI32(size: number, seed: number, lo: number, hi: number): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(r(lo, hi));
  return out;
}

/** Write values into the backend and describe them as a kernel input. */
export function put(
  b: CpuBackend,
  values: TypedArray,
  shape: readonly number[],
  dtype?: DType,
): TensorInfo {
  const dt: DType = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
  return { dataId: b.write(values, shape, dt), shape: [...shape], dtype: dt };
}

type Args<K extends KernelName> = Parameters<KernelSignatures[K]>[0];

/** Run one kernel and read its output back (the output buffer is disposed). */
export function run<K extends KernelName>(b: CpuBackend, name: K, args: Args<K>): TypedArray {
  const kernel = b.kernels[name] as ((a: Args<K>) => DataId) | undefined;
  if (!kernel) throw new Error(`no kernel ${name}`);
  const id = kernel(args);
  const out = b.readSync(id);
  b.disposeData(id);
  return out;
}

/** Elementwise |a - e| <= tol * (1 + |e|), NaN matching NaN; reports the first mismatch. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : a === e || Math.abs(a - e) <= tol * (1 + Math.abs(e));
    if (!ok) expect.fail(`element ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
  }
}

/** Multi-index of a flat position. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}

/** Flat position in `inShape` (right-aligned, size-1 dims broadcast) of an output multi-index. */
export function broadcastAt(outIdx: readonly number[], inShape: readonly number[]): number {
  const off = outIdx.length - inShape.length;
  let flat = 0;
  for (let i = 0; i < inShape.length; i++)
    flat = flat * inShape[i] + (inShape[i] === 1 ? 0 : outIdx[off + i]);
  return flat;
}

/** A full ConvGeometry from the few numbers a test picks (output size derived). */
export function geometry(p: {
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels?: number;
  kH: number;
  kW: number;
  stride?: [number, number];
  pad?: [number, number, number, number];
  dilation?: [number, number];
}): ConvGeometry {
  const [strideH, strideW] = p.stride ?? [1, 1];
  const [padTop, padBottom, padLeft, padRight] = p.pad ?? [0, 0, 0, 0];
  const [dilationH, dilationW] = p.dilation ?? [1, 1];
  const outH = Math.floor((p.inH + padTop + padBottom - dilationH * (p.kH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((p.inW + padLeft + padRight - dilationW * (p.kW - 1) - 1) / strideW) + 1;
  return {
    batch: p.batch,
    inChannels: p.inChannels,
    inH: p.inH,
    inW: p.inW,
    outChannels: p.outChannels ?? p.inChannels,
    kH: p.kH,
    kW: p.kW,
    strideH,
    strideW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    dilationH,
    dilationW,
    outH: Math.max(0, outH),
    outW: Math.max(0, outW),
  };
}

/** Geometries covering strides, asymmetric padding, dilation, 1x1, window = image, empty output. */
export const GEOMETRIES: ConvGeometry[] = [
  geometry({ batch: 1, inChannels: 1, inH: 5, inW: 5, kH: 3, kW: 3 }),
  geometry({ batch: 2, inChannels: 3, inH: 7, inW: 6, kH: 3, kW: 2, pad: [1, 1, 0, 1] }),
  geometry({
    batch: 2,
    inChannels: 2,
    inH: 9,
    inW: 8,
    kH: 3,
    kW: 3,
    stride: [2, 2],
    pad: [1, 1, 1, 1],
  }),
  geometry({
    batch: 1,
    inChannels: 2,
    inH: 8,
    inW: 9,
    kH: 2,
    kW: 2,
    stride: [2, 3],
    pad: [0, 1, 0, 1],
  }),
  geometry({
    batch: 1,
    inChannels: 2,
    inH: 9,
    inW: 9,
    kH: 3,
    kW: 3,
    dilation: [2, 2],
    pad: [2, 2, 2, 2],
  }),
  geometry({
    batch: 2,
    inChannels: 3,
    inH: 7,
    inW: 5,
    kH: 3,
    kW: 2,
    stride: [2, 1],
    dilation: [1, 2],
    pad: [0, 2, 1, 0],
  }),
  geometry({ batch: 2, inChannels: 4, inH: 5, inW: 6, kH: 1, kW: 1 }),
  geometry({ batch: 1, inChannels: 2, inH: 5, inW: 5, kH: 1, kW: 1, stride: [2, 2] }),
  geometry({ batch: 1, inChannels: 1, inH: 4, inW: 4, kH: 4, kW: 4 }),
  geometry({ batch: 1, inChannels: 1, inH: 1, inW: 1, kH: 3, kW: 3, pad: [1, 1, 1, 1] }),
  geometry({
    batch: 1,
    inChannels: 2,
    inH: 3,
    inW: 3,
    kH: 5,
    kW: 5,
    pad: [2, 2, 2, 2],
    stride: [3, 3],
  }),
  geometry({ batch: 1, inChannels: 1, inH: 2, inW: 2, kH: 3, kW: 3 }), // empty output
  geometry({ batch: 0, inChannels: 2, inH: 4, inW: 4, kH: 3, kW: 3 }),
];
