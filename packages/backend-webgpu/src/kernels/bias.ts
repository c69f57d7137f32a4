/** BiasAdd (+ fused relu): one pass instead of broadcast add then relu. */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid } from '../device/program.js';
import { BIAS, biasAddSource } from './bias.wgsl.js';
import { data, elemType, elementwiseWorkgroups } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

export function biasAdd(
  ctx: GpuContext,
  { x, bias, outer, channels, inner, relu }: Sig<'BiasAdd'>,
): GPUData {
  const n = outer * channels * inner;
  const t = elemType(x.dtype);
  const out = ctx.output(n, x.dtype);
  ctx.run({
    program: {
      key: `BiasAdd:${t}:${relu ? 'relu' : 'linear'}`,
      source: () => biasAddSource(t, relu),
    },
    inputs: [data(x), data(bias)],
    outputs: [out],
    params: BIAS.pack({ n, channels, inner }),
    workgroups: grid(elementwiseWorkgroups(n)),
  });
  return out;
}
