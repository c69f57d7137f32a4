/** Elementwise kernels: Unary, Binary (broadcasting), Where, Cast, Fill. */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { paramLayout, type ParamFields, type ParamValues } from '../device/params.js';
import { bindings, grid } from '../device/program.js';
import { binaryExpr, broadcastIndexing, unaryExpr } from './elementwise.wgsl.js';
import {
  bitsOf,
  collapseBroadcast,
  data,
  elemType,
  elementwiseMain,
  elementwiseWorkgroups,
  sizeOf,
} from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

const N_ONLY = paramLayout([['n', 'u32']]);

export function unary(ctx: GpuContext, { op, x }: Sig<'Unary'>): GPUData {
  const n = sizeOf(x.shape);
  const t = elemType(x.dtype);
  const out = ctx.output(n, x.dtype);
  ctx.run({
    program: {
      key: `Unary:${op}:${t}`,
      source: () => `${bindings([['X', t]], [['Y', t]], N_ONLY)}
${elementwiseMain(`let x = X[i]; Y[i] = ${unaryExpr(op, t)};`)}`,
    },
    inputs: [data(x)],
    outputs: [out],
    params: N_ONLY.pack({ n }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

/** Parameter fields and values of a broadcasting kernel over inputs `names`. */
function broadcastParams(
  names: readonly string[],
  outShape: readonly number[],
  inShapes: readonly (readonly number[])[],
) {
  const b = collapseBroadcast(outShape, inShapes);
  const fields: [string, 'u32' | 'dims'][] = [['n', 'u32']];
  const values: Record<string, number | number[]> = { n: sizeOf(outShape) };
  if (b.access.includes('strided')) {
    fields.push(['shape', 'dims']);
    values.shape = b.shape;
    names.forEach((name, k) => {
      if (b.access[k] === 'strided') {
        fields.push([`st_${name}`, 'dims']);
        values[`st_${name}`] = b.strides[k];
      }
    });
  }
  const layout = paramLayout(fields as ParamFields);
  return {
    layout,
    params: layout.pack(values as ParamValues),
    indexing: broadcastIndexing(names, b.access, b.shape.length),
    key: `${b.access.join(',')}:${b.shape.length}`,
  };
}

export function binary(ctx: GpuContext, { op, a, b, outShape }: Sig<'Binary'>): GPUData {
  const t = elemType(a.dtype);
  const outDtype = op === 'greater' || op === 'equal' ? 'float32' : a.dtype;
  const tOut = elemType(outDtype);
  const n = sizeOf(outShape);
  const out = ctx.output(n, outDtype);
  const bc = broadcastParams(['a', 'b'], outShape, [a.shape, b.shape]);
  ctx.run({
    program: {
      key: `Binary:${op}:${t}:${bc.key}`,
      source: () => `${bindings(
        [
          ['A', t],
          ['B', t],
        ],
        [['Y', tOut]],
        bc.layout,
      )}
${elementwiseMain(`${bc.indexing}
    let a = A[idx_a]; let b = B[idx_b];
    Y[i] = ${binaryExpr(op, t)};`)}`,
    },
    inputs: [data(a), data(b)],
    outputs: [out],
    params: bc.params,
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

export function where(ctx: GpuContext, { cond, a, b, outShape }: Sig<'Where'>): GPUData {
  const tc = elemType(cond.dtype);
  const n = sizeOf(outShape);
  const out = ctx.output(n, a.dtype);
  const bc = broadcastParams(['c', 'a', 'b'], outShape, [cond.shape, a.shape, b.shape]);
  // a and b are moved as raw 32-bit words, so one shader serves float32 and int32.
  ctx.run({
    program: {
      key: `Where:${tc}:${bc.key}`,
      source: () => `${bindings(
        [
          ['C', tc],
          ['A', 'u32'],
          ['B', 'u32'],
        ],
        [['Y', 'u32']],
        bc.layout,
      )}
${elementwiseMain(`${bc.indexing}
    Y[i] = select(B[idx_b], A[idx_a], C[idx_c] != ${tc === 'f32' ? '0.0' : '0'});`)}`,
    },
    inputs: [data(cond), data(a), data(b)],
    outputs: [out],
    params: bc.params,
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

export function cast(ctx: GpuContext, { x, dtype }: Sig<'Cast'>): GPUData {
  const n = sizeOf(x.shape);
  const out = ctx.output(n, dtype);
  if (dtype === x.dtype) {
    ctx.copyRange(data(x), 0, out, 0, n * 4);
    return out;
  }
  const from = elemType(x.dtype);
  const to = elemType(dtype);
  // f32 -> i32 conversion in WGSL truncates toward zero, as the contract asks.
  ctx.run({
    program: {
      key: `Cast:${from}:${to}`,
      source: () => `${bindings([['X', from]], [['Y', to]], N_ONLY)}
${elementwiseMain(`Y[i] = ${to}(X[i]);`)}`,
    },
    inputs: [data(x)],
    outputs: [out],
    params: N_ONLY.pack({ n }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

const FILL = paramLayout([
  ['n', 'u32'],
  ['bits', 'u32'],
]);

export function fill(ctx: GpuContext, { shape, value, dtype }: Sig<'Fill'>): GPUData {
  const n = sizeOf(shape);
  const out = ctx.output(n, dtype);
  fillData(ctx, out, n, bitsOf(value, dtype));
  return out;
}

/** Write the 32-bit pattern `bits` into the first `n` elements of `out`. */
export function fillData(ctx: GpuContext, out: GPUData, n: number, bits: number): void {
  ctx.run({
    program: {
      key: 'Fill',
      source: () => `${bindings([], [['Y', 'u32']], FILL)}
${elementwiseMain('Y[i] = p.bits;')}`,
    },
    inputs: [],
    outputs: [out],
    params: FILL.pack({ n, bits }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
}
