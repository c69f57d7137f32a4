/** Data movement kernels: Transpose, Slice, Pad, Concat. */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { MAX_DIMS } from '../device/params.js';
import { grid } from '../device/program.js';
import { BackendError } from '@tessera/core';
import { CONCAT, GATHER, PAD, concatSource, gatherSource, padSource } from './layout.wgsl.js';
import { bitsOf, data, elementwiseWorkgroups, sizeOf } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/**
 * Run the strided gather out[i] = X[offset + sum coord_d * strides[d]] over `shape`, after
 * dropping size-1 dims and merging dims that are contiguous in the source.
 */
function gather(
  ctx: GpuContext,
  x: GPUData,
  out: GPUData,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const s: number[] = [];
  const st: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && st[last] === strides[d] * shape[d]) {
      s[last] *= shape[d];
      st[last] = strides[d];
    } else {
      s.push(shape[d]);
      st.push(strides[d]);
    }
  }
  if (s.length > MAX_DIMS) {
    throw new BackendError(
      `webgpu: a gather over [${shape.join(', ')}] needs more than ${MAX_DIMS} dims`,
    );
  }
  if (s.length === 0 || (s.length === 1 && st[0] === 1)) {
    // Contiguous: a plain copy.
    ctx.copyRange(x, offset * 4, out, 0, n * 4);
    return;
  }
  ctx.run({
    program: { key: `Gather:${s.length}`, source: () => gatherSource(s.length) },
    inputs: [x],
    outputs: [out],
    params: GATHER.pack({ shape: s, strides: st, n, offset }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
}

export function transpose(ctx: GpuContext, { x, perm }: Sig<'Transpose'>): GPUData {
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = rowMajorStrides(x.shape);
  const out = ctx.output(sizeOf(outShape), x.dtype);
  gather(
    ctx,
    data(x),
    out,
    outShape,
    perm.map((p) => inStrides[p]),
    0,
  );
  return out;
}

export function slice(ctx: GpuContext, { x, begin, size }: Sig<'Slice'>): GPUData {
  const strides = rowMajorStrides(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d] * strides[d];
  const out = ctx.output(sizeOf(size), x.dtype);
  gather(ctx, data(x), out, size, strides, offset);
  return out;
}

export function pad(ctx: GpuContext, { x, paddings, value }: Sig<'Pad'>): GPUData {
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const n = sizeOf(outShape);
  const out = ctx.output(n, x.dtype);
  if (n === 0) return out;
  // Merge an unpadded dim into the one before it: the outer dim is then padded in whole rows.
  const outS: number[] = [];
  const inS: number[] = [];
  const before: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    const [b, a] = paddings[d];
    const last = outS.length - 1;
    if (last >= 0 && b === 0 && a === 0) {
      outS[last] *= x.shape[d];
      inS[last] *= x.shape[d];
      before[last] *= x.shape[d];
    } else {
      outS.push(x.shape[d] + b + a);
      inS.push(x.shape[d]);
      before.push(b);
    }
  }
  if (outS.length > MAX_DIMS) {
    throw new BackendError(
      `webgpu: Pad over rank ${x.shape.length} needs more than ${MAX_DIMS} dims`,
    );
  }
  ctx.run({
    program: { key: `Pad:${outS.length}`, source: () => padSource(outS.length) },
    inputs: [data(x)],
    outputs: [out],
    params: PAD.pack({ outShape: outS, inShape: inS, before, n, bits: bitsOf(value, x.dtype) }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

export function concat(ctx: GpuContext, { xs, axis, outShape }: Sig<'Concat'>): GPUData {
  const out = ctx.output(sizeOf(outShape), xs[0].dtype);
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const total = outShape[axis] * inner;
  let offset = 0;
  for (const x of xs) {
    const width = x.shape[axis] * inner;
    const n = outer * width;
    if (n > 0) {
      if (outer === 1) ctx.copyRange(data(x), 0, out, offset * 4, n * 4);
      else {
        ctx.run({
          program: { key: 'Concat', source: concatSource },
          inputs: [data(x)],
          outputs: [out],
          params: CONCAT.pack({ n, width, total, offset }),
          workgroups: grid(elementwiseWorkgroups(n)),
        });
      }
    }
    offset += width;
  }
  return out;
}
