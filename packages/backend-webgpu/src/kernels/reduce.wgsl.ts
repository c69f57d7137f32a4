/**
 * WGSL for reductions of x viewed as [outer, size, inner] over the middle axis.
 *
 * Two shapes of kernel: one invocation per output looping over `size` (many outputs, short
 * rows), and one workgroup per output (or per chunk of a long row) that strides over the row
 * and finishes with a tree reduction in workgroup memory.
 */
import type { ReduceOp } from '@tessera/core';
import { paramLayout } from '../device/params.js';
import { bindings, type ElemType } from '../device/program.js';
import { elementwiseMain } from './util.js';

export const TREE_WORKGROUP = 64;

export const REDUCE = paramLayout([
  ['n', 'u32'],
  ['size', 'u32'],
  ['inner', 'u32'],
  ['chunks', 'u32'],
  ['chunk', 'u32'],
]);

/** Statements folding element `v` at row position `s` into `acc` (and `arg` for argmax). */
function fold(op: ReduceOp): string {
  switch (op) {
    case 'sum':
      return 'acc = acc + v;';
    case 'max':
      return 'acc = max(acc, v);';
    case 'min':
      return 'acc = min(acc, v);';
    case 'argmax':
      // Strictly greater: scanning upward, the first maximum wins.
      return 'if (v > acc) { acc = v; arg = s; }';
  }
}

export function threadPerOutputSource(op: ReduceOp, t: ElemType): string {
  const outT = op === 'argmax' ? 'i32' : t;
  const result = op === 'argmax' ? 'i32(arg)' : 'acc';
  return `${bindings([['X', t]], [['Y', outT]], REDUCE)}
${elementwiseMain(`let ii = i % p.inner;
    let base = (i / p.inner) * p.size * p.inner + ii;
    var acc = X[base];
    var arg = 0u;
    for (var s = 1u; s < p.size; s++) {
      let v = X[base + s * p.inner];
      ${fold(op)}
    }
    Y[i] = ${result};`)}`;
}

export function treeSource(op: ReduceOp, t: ElemType): string {
  const W = TREE_WORKGROUP;
  const outT = op === 'argmax' ? 'i32' : t;
  const argmax = op === 'argmax';
  // sum starts from 0; max/min/argmax start from the chunk's first element, which is a member of
  // every invocation's range as far as those ops care (repeating it changes nothing).
  const init =
    op === 'sum' ? `var acc = ${t === 'f32' ? '0.0' : '0'};` : 'var acc = X[base + s0 * p.inner];';
  const combine = argmax
    ? `let vb = sv[lid + stride]; let ib = si[lid + stride];
        if (vb > sv[lid] || (vb == sv[lid] && ib < si[lid])) { sv[lid] = vb; si[lid] = ib; }`
    : `let va = sv[lid]; let v = sv[lid + stride]; var acc = va; ${fold(op)} sv[lid] = acc;`;
  return `${bindings([['X', t]], [['Y', outT]], REDUCE)}
var<workgroup> sv: array<${t}, ${W}>;
${argmax ? `var<workgroup> si: array<u32, ${W}>;` : ''}
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  if (wg >= p.n) { return; }
  let ii = wg % p.inner;
  let rest = wg / p.inner;
  let c = rest % p.chunks;
  let base = (rest / p.chunks) * p.size * p.inner + ii;
  let s0 = c * p.chunk;
  let s1 = min(p.size, s0 + p.chunk);
  ${init}
  var arg = s0;
  for (var s = s0 + lid; s < s1; s += ${W}u) {
    let v = X[base + s * p.inner];
    ${fold(op)}
  }
  sv[lid] = acc;
  ${argmax ? 'si[lid] = arg;' : ''}
  workgroupBarrier();
  for (var stride = ${W / 2}u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      ${combine}
    }
    workgroupBarrier();
  }
  if (lid == 0u) { Y[wg] = ${argmax ? 'i32(si[0])' : 'sv[0]'}; }
}`;
}
