/** Helpers shared by the kernel families: dtypes, sizes, broadcasting, linear dispatch. */
import type { DType, TensorInfo } from '@tessera/core';
import { GPUData } from '../device/data.js';
import type { ElemType } from '../device/program.js';
import { MAX_DIMS } from '../device/params.js';
import { BackendError } from '@tessera/core';

export function elemType(dtype: DType): ElemType {
  return dtype === 'int32' ? 'i32' : 'f32';
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The GPUData behind a TensorInfo (core only ever passes our own DataIds back). */
export function data(info: TensorInfo): GPUData {
  const d = info.dataId;
  if (!(d instanceof GPUData)) {
    throw new BackendError('webgpu: a kernel received a tensor that lives on another backend');
  }
  return d;
}

/** Bit pattern of `value` stored as `dtype`, for kernels that move raw 32-bit words. */
export function bitsOf(value: number, dtype: DType): number {
  const view = new DataView(new ArrayBuffer(4));
  if (dtype === 'int32') view.setInt32(0, value | 0, true);
  else view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

/**
 * Elements each invocation of an elementwise kernel handles, and invocations per workgroup.
 * Four elements per invocation amortise the per-invocation cost, which dominates on CPU
 * adapters; the stride between them is the workgroup size, so GPU accesses stay coalesced.
 */
export const EW_WORKGROUP = 64;
export const EW_PER_THREAD = 4;
export const EW_SPAN = EW_WORKGROUP * EW_PER_THREAD;

/**
 * A compute entry point that runs `body` once per element index `i < p.n`, for a dispatch of
 * `grid(ceil(n / EW_SPAN))` workgroups.
 */
export function elementwiseMain(body: string): string {
  return `
@compute @workgroup_size(${EW_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  for (var e = 0u; e < ${EW_PER_THREAD}u; e++) {
    let i = wg * ${EW_SPAN}u + e * ${EW_WORKGROUP}u + lid;
    if (i >= p.n) { return; }
    ${body}
  }
}`;
}

export function elementwiseWorkgroups(n: number): number {
  return Math.ceil(n / EW_SPAN);
}

/** How one input of a broadcasting kernel is indexed. */
export type Access = 'same' | 'scalar' | 'strided';

export interface Broadcast {
  /** Output shape with size-1 dims dropped and mergeable neighbours merged. */
  readonly shape: number[];
  /** Per input, the element stride along each collapsed dim (0 where broadcast). */
  readonly strides: number[][];
  readonly access: Access[];
}

/**
 * Collapse a broadcast (NumPy rules, inputs right-aligned) to the fewest dims, so most
 * binary ops compile to the 'same' or 'scalar' fast paths and the rest index a short shape.
 */
export function collapseBroadcast(
  outShape: readonly number[],
  inShapes: readonly (readonly number[])[],
): Broadcast {
  const rank = outShape.length;
  const full = inShapes.map((s) => {
    const strides = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const k = d - (rank - s.length);
      const size = k >= 0 ? s[k] : 1;
      strides[d] = size === 1 ? 0 : stride;
      stride *= size;
    }
    return strides;
  });
  const shape: number[] = [];
  const strides: number[][] = inShapes.map(() => []);
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    const mergeable = last >= 0 && full.every((st, i) => strides[i][last] === st[d] * outShape[d]);
    if (mergeable) {
      shape[last] *= outShape[d];
      full.forEach((st, i) => (strides[i][last] = st[d]));
    } else {
      shape.push(outShape[d]);
      full.forEach((st, i) => strides[i].push(st[d]));
    }
  }
  if (shape.length > MAX_DIMS) {
    throw new BackendError(
      `webgpu: broadcasting to [${outShape.join(', ')}] needs ${shape.length} dims after merging; at most ${MAX_DIMS} are supported`,
    );
  }
  const n = sizeOf(outShape);
  const access = inShapes.map((s, i): Access => {
    if (sizeOf(s) === n) return 'same';
    if (strides[i].every((x) => x === 0)) return 'scalar';
    return 'strided';
  });
  return { shape, strides, access };
}
