/** MaxPool, AvgPool and their backward passes. */
import type { ConvGeometry, KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid, type Program } from '../device/program.js';
import { geomValues } from './geometry.js';
import {
  POOL,
  avgPoolBackwardSource,
  avgPoolSource,
  maxPoolArgSource,
  maxPoolBackwardSource,
  maxPoolSource,
} from './pool.wgsl.js';
import { data, elementwiseWorkgroups } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

const NEG_INF_BITS = 0xff800000;

function runPool(
  ctx: GpuContext,
  program: Program,
  inputs: GPUData[],
  out: GPUData,
  geom: ConvGeometry,
): void {
  const n = out.size;
  ctx.run({
    program,
    inputs,
    outputs: [out],
    params: POOL.pack({ n, negInf: NEG_INF_BITS, ...geomValues(geom) }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
}

const outSize = (g: ConvGeometry) => g.batch * g.inChannels * g.outH * g.outW;
const inSize = (g: ConvGeometry) => g.batch * g.inChannels * g.inH * g.inW;

export function maxPool(ctx: GpuContext, { x, geom }: Sig<'MaxPool'>): GPUData {
  const out = ctx.output(outSize(geom), 'float32');
  runPool(ctx, { key: 'MaxPool', source: maxPoolSource }, [data(x)], out, geom);
  return out;
}

export function maxPoolBackward(ctx: GpuContext, { x, dy, geom }: Sig<'MaxPoolBackward'>): GPUData {
  const arg = ctx.output(outSize(geom), 'int32');
  runPool(ctx, { key: 'MaxPoolArg', source: maxPoolArgSource }, [data(x)], arg, geom);
  const out = ctx.output(inSize(geom), 'float32');
  runPool(
    ctx,
    { key: 'MaxPoolBackward', source: maxPoolBackwardSource },
    [arg, data(dy)],
    out,
    geom,
  );
  // Later dispatches in the same batch may reuse it; the encoder keeps them in order.
  ctx.release(arg);
  return out;
}

export function avgPool(ctx: GpuContext, { x, geom }: Sig<'AvgPool'>): GPUData {
  const out = ctx.output(outSize(geom), 'float32');
  runPool(ctx, { key: 'AvgPool', source: avgPoolSource }, [data(x)], out, geom);
  return out;
}

export function avgPoolBackward(ctx: GpuContext, { dy, geom }: Sig<'AvgPoolBackward'>): GPUData {
  const out = ctx.output(inSize(geom), 'float32');
  runPool(ctx, { key: 'AvgPoolBackward', source: avgPoolBackwardSource }, [data(dy)], out, geom);
  return out;
}
