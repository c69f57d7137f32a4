/** Im2Col and Col2Im (float32 or int32), the required building blocks of conv as GEMM (core's fallback path). */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid } from '../device/program.js';
import { geomValues } from './geometry.js';
import { IM2COL, col2imSource, im2colSource } from './im2col.wgsl.js';
import { data, elemType, elementwiseWorkgroups } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

export function im2col(ctx: GpuContext, { x, geom }: Sig<'Im2Col'>): GPUData {
  const n = geom.batch * geom.inChannels * geom.kH * geom.kW * geom.outH * geom.outW;
  const out = ctx.output(n, x.dtype);
  ctx.run({
    program: { key: 'Im2Col', source: im2colSource },
    inputs: [data(x)],
    outputs: [out],
    params: IM2COL.pack({ n, ...geomValues(geom) }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}

export function col2im(ctx: GpuContext, { cols, geom }: Sig<'Col2Im'>): GPUData {
  const n = geom.batch * geom.inChannels * geom.inH * geom.inW;
  const t = elemType(cols.dtype);
  const out = ctx.output(n, cols.dtype);
  ctx.run({
    program: { key: `Col2Im:${t}`, source: () => col2imSource(t) },
    inputs: [data(cols)],
    outputs: [out],
    params: IM2COL.pack({ n, ...geomValues(geom) }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}
