/**
 * What a kernel hands the device to run: a cached pipeline key, its WGSL, and conventions
 * for bindings shared by every kernel (inputs first, then outputs, then the parameter block).
 */
import type { ParamLayout } from './params.js';

export interface Program {
  /** Pipeline cache key: the kernel name plus every specialisation baked into the source. */
  readonly key: string;
  /** The full WGSL source; built only when `key` is not cached yet. */
  source(): string;
}

export type ElemType = 'f32' | 'i32' | 'u32';

/**
 * Binding declarations: `inputs` read-only at 0..n-1, `outputs` read-write after them, the
 * parameter block `p` last. Every declared binding must be used by the shader, because
 * 'auto' pipeline layouts drop unused ones and the bind group would no longer match.
 */
export function bindings(
  inputs: readonly (readonly [string, ElemType])[],
  outputs: readonly (readonly [string, ElemType])[],
  params?: ParamLayout,
): string {
  const lines: string[] = [];
  let i = 0;
  for (const [name, t] of inputs) {
    lines.push(`@group(0) @binding(${i++}) var<storage, read> ${name}: array<${t}>;`);
  }
  for (const [name, t] of outputs) {
    lines.push(`@group(0) @binding(${i++}) var<storage, read_write> ${name}: array<${t}>;`);
  }
  if (params) {
    lines.push(params.wgsl);
    lines.push(`@group(0) @binding(${i}) var<uniform> p: Params;`);
  }
  return lines.join('\n');
}

/** Workgroups per grid dimension that every WebGPU device supports. */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/**
 * Spread `count` workgroups over x and y (x at most 65535). Shaders recover the linear index
 * with `wid.x + wid.y * nwg.x` and return when it is past the end.
 */
export function grid(count: number, z = 1): [number, number, number] {
  if (count <= MAX_WORKGROUPS_PER_DIM) return [count, 1, z];
  const y = Math.ceil(count / MAX_WORKGROUPS_PER_DIM);
  return [Math.ceil(count / y), y, z];
}

/** The WGSL line that computes the linear workgroup index `wg` for a `grid()` dispatch. */
export const LINEAR_WORKGROUP = 'let wg = wid.x + wid.y * nwg.x;';
