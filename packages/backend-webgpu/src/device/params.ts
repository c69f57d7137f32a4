/**
 * Uniform parameter blocks: a WGSL struct declaration and a packer that lays values out with
 * WGSL's uniform-address-space alignment rules, from one field list so the two cannot drift.
 *
 * Field kinds: 'u32' | 'i32' | 'f32' scalars, and 'dims' = array<vec4<u32>, 2>, eight u32 for
 * shapes and strides up to rank 8 (read in WGSL as `p.name[i / 4][i % 4]`, see `dim()`).
 */
export type ParamKind = 'u32' | 'i32' | 'f32' | 'dims';
export type ParamFields = readonly (readonly [string, ParamKind])[];
export type ParamValues = Readonly<Record<string, number | readonly number[]>>;

export const MAX_DIMS = 8;

export interface ParamLayout {
  /** `struct Params { ... }` in WGSL. */
  readonly wgsl: string;
  readonly byteLength: number;
  pack(values: ParamValues): Uint8Array;
}

const layouts = new Map<string, ParamLayout>();

export function paramLayout(fields: ParamFields): ParamLayout {
  const cacheKey = fields.map(([n, k]) => `${n}:${k}`).join(',');
  const cached = layouts.get(cacheKey);
  if (cached) return cached;
  let offset = 0;
  const placed: { name: string; kind: ParamKind; offset: number }[] = [];
  for (const [name, kind] of fields) {
    const align = kind === 'dims' ? 16 : 4;
    offset = Math.ceil(offset / align) * align;
    placed.push({ name, kind, offset });
    offset += kind === 'dims' ? 32 : 4;
  }
  // A uniform struct's size is a multiple of 16.
  const byteLength = Math.max(16, Math.ceil(offset / 16) * 16);
  const body = fields
    .map(([name, kind]) => `  ${name}: ${kind === 'dims' ? 'array<vec4<u32>, 2>' : kind},`)
    .join('\n');
  const layout: ParamLayout = {
    wgsl: `struct Params {\n${body}\n}`,
    byteLength,
    pack(values) {
      const bytes = new Uint8Array(byteLength);
      const view = new DataView(bytes.buffer);
      for (const { name, kind, offset: at } of placed) {
        const v = values[name];
        if (v === undefined) throw new Error(`params: missing value for '${name}'`);
        if (kind === 'dims') {
          const list = v as readonly number[];
          if (list.length > MAX_DIMS)
            throw new Error(`params: '${name}' has more than ${MAX_DIMS} dims`);
          for (let i = 0; i < list.length; i++) view.setUint32(at + 4 * i, list[i], true);
        } else if (kind === 'u32') view.setUint32(at, v as number, true);
        else if (kind === 'i32') view.setInt32(at, v as number, true);
        else view.setFloat32(at, v as number, true);
      }
      return bytes;
    },
  };
  layouts.set(cacheKey, layout);
  return layout;
}

/** WGSL expression for element `i` (a JS constant) of a 'dims' field. */
export function dim(field: string, i: number): string {
  return `p.${field}[${i >> 2}][${i & 3}]`;
}
