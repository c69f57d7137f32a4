/** Reduce: sum / max / min / argmax over the middle axis of [outer, size, inner]. */
import type { KernelSignatures, ReduceOp } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid } from '../device/program.js';
import { REDUCE, threadPerOutputSource, treeSource } from './reduce.wgsl.js';
import { data, elementwiseWorkgroups } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

/** Rows shorter than this are reduced by one invocation each. */
const TREE_MIN_SIZE = 128;
/** Aim for about this many workgroups when a few long rows are split into chunks. */
const TARGET_WORKGROUPS = 256;
const MIN_CHUNK = 1024;

export function reduce(ctx: GpuContext, { op, x, outer, size, inner }: Sig<'Reduce'>): GPUData {
  return reduceData(ctx, op, data(x), x.dtype === 'int32' ? 'i32' : 'f32', outer, size, inner);
}

/** Sum x viewed as [outer, size, inner] over the middle axis (float32). */
export function sumOverMiddle(
  ctx: GpuContext,
  x: GPUData,
  outer: number,
  size: number,
  inner: number,
): GPUData {
  return reduceData(ctx, 'sum', x, 'f32', outer, size, inner);
}

function reduceData(
  ctx: GpuContext,
  op: ReduceOp,
  x: GPUData,
  t: 'f32' | 'i32',
  outer: number,
  size: number,
  inner: number,
): GPUData {
  const outputs = outer * inner;
  const outDtype = op === 'argmax' ? 'int32' : x.dtype;
  if (outputs === 0) return ctx.output(0, outDtype);
  // Strided rows (inner > 1) read coalesced across invocations anyway, so the tree only pays
  // off there when there are few outputs to spread the work over.
  const tree = size >= TREE_MIN_SIZE && (inner === 1 || outputs <= 2048);
  if (!tree) {
    const out = ctx.output(outputs, outDtype);
    ctx.run({
      program: { key: `ReduceRow:${op}:${t}`, source: () => threadPerOutputSource(op, t) },
      inputs: [x],
      outputs: [out],
      params: REDUCE.pack({ n: outputs, size, inner, chunks: 1, chunk: size }),
      workgroups: grid(elementwiseWorkgroups(outputs)),
    });
    return out;
  }
  // Few long rows: split each into chunks, reduce the chunks, then reduce the partials.
  // argmax keeps a single pass (its partials would need indices too).
  let chunks = 1;
  if (op !== 'argmax') {
    chunks = Math.min(Math.floor(size / MIN_CHUNK), Math.floor(TARGET_WORKGROUPS / outputs));
    chunks = Math.max(1, chunks);
  }
  const chunk = Math.ceil(size / chunks);
  chunks = Math.ceil(size / chunk);
  const target = ctx.output(outer * chunks * inner, chunks === 1 ? outDtype : x.dtype);
  ctx.run({
    program: { key: `ReduceTree:${op}:${t}`, source: () => treeSource(op, t) },
    inputs: [x],
    outputs: [target],
    params: REDUCE.pack({ n: outer * chunks * inner, size, inner, chunks, chunk }),
    workgroups: grid(outer * chunks * inner),
  });
  if (chunks === 1) return target;
  const result = reduceData(ctx, op, target, t, outer, chunks, inner);
  ctx.release(target);
  return result;
}
