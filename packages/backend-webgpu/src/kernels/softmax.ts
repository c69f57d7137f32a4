/** Softmax, LogSoftmax, SoftmaxCrossEntropy and SoftmaxCrossEntropyGrad (row-wise). */
import type { KernelSignatures, TensorInfo } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid } from '../device/program.js';
import {
  SOFTMAX,
  softmaxRowSource,
  softmaxWorkgroupSource,
  type SoftmaxKind,
} from './softmax.wgsl.js';
import { data, elementwiseWorkgroups } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

/** Rows up to this long are handled by one invocation each. */
const ROW_PER_INVOCATION_MAX = 32;
const NAN_BITS = 0x7fc00000;

function run(
  ctx: GpuContext,
  kind: SoftmaxKind,
  inputs: readonly TensorInfo[],
  rows: number,
  size: number,
  outSize: number,
): GPUData {
  const out = ctx.output(outSize, 'float32');
  if (rows === 0 || size === 0) return out;
  const perInvocation = size <= ROW_PER_INVOCATION_MAX;
  ctx.run({
    program: perInvocation
      ? { key: `${kind}:row`, source: () => softmaxRowSource(kind) }
      : { key: `${kind}:workgroup`, source: () => softmaxWorkgroupSource(kind) },
    inputs: inputs.map(data),
    outputs: [out],
    params: SOFTMAX.pack({ n: rows, size, nan: NAN_BITS }),
    workgroups: grid(perInvocation ? elementwiseWorkgroups(rows) : rows),
  });
  return out;
}

export function softmax(ctx: GpuContext, { x, outer, size }: Sig<'Softmax'>): GPUData {
  return run(ctx, 'Softmax', [x], outer, size, outer * size);
}

export function logSoftmax(ctx: GpuContext, { x, outer, size }: Sig<'LogSoftmax'>): GPUData {
  return run(ctx, 'LogSoftmax', [x], outer, size, outer * size);
}

export function softmaxCrossEntropy(
  ctx: GpuContext,
  { logits, labels }: Sig<'SoftmaxCrossEntropy'>,
): GPUData {
  const [n, k] = logits.shape;
  return run(ctx, 'SoftmaxCrossEntropy', [logits, labels], n, k, n);
}

export function softmaxCrossEntropyGrad(
  ctx: GpuContext,
  { logits, labels, dy }: Sig<'SoftmaxCrossEntropyGrad'>,
): GPUData {
  const [n, k] = logits.shape;
  return run(ctx, 'SoftmaxCrossEntropyGrad', [logits, labels, dy], n, k, n * k);
}
