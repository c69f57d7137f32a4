/** WGSL for data movement (transpose, slice, pad, concat). All move raw 32-bit words, so one shader serves every dtype. */
import { dim, paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { elementwiseMain } from './util.js';

/** out[i] = X[p.offset + sum_d coord_d(i) * p.strides[d]], coords over p.shape (rank `rank`). */
export const GATHER = paramLayout([
  ['shape', 'dims'],
  ['strides', 'dims'],
  ['n', 'u32'],
  ['offset', 'u32'],
]);

export function gatherSource(rank: number): string {
  const lines = ['var rem = i;', 'var src = p.offset;'];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(
      `src += (rem % ${dim('shape', d)}) * ${dim('strides', d)}; rem = rem / ${dim('shape', d)};`,
    );
  }
  if (rank > 0) lines.push(`src += rem * ${dim('strides', 0)};`);
  lines.push('Y[i] = X[src];');
  return `${bindings([['X', 'u32']], [['Y', 'u32']], GATHER)}
${elementwiseMain(lines.join('\n    '))}`;
}

/** Constant padding: out coords outside [before, before + inShape) read p.bits. */
export const PAD = paramLayout([
  ['outShape', 'dims'],
  ['inShape', 'dims'],
  ['before', 'dims'],
  ['n', 'u32'],
  ['bits', 'u32'],
]);

export function padSource(rank: number): string {
  const lines = ['var rem = i;', 'var src = 0u;', 'var stride = 1u;', 'var inside = true;'];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(
      `{ let c = ${d > 0 ? `rem % ${dim('outShape', d)}` : 'rem'};` +
        (d > 0 ? ` rem = rem / ${dim('outShape', d)};` : '') +
        ` let k = c - ${dim('before', d)};` +
        // u32 wrap-around makes c < before look huge, so one comparison checks both ends.
        ` inside = inside && k < ${dim('inShape', d)};` +
        ` src += k * stride; stride *= ${dim('inShape', d)}; }`,
    );
  }
  // Outside positions compute a junk index; WebGPU's robust buffer access keeps that read in bounds.
  lines.push('Y[i] = select(p.bits, X[src], inside);');
  return `${bindings([['X', 'u32']], [['Y', 'u32']], PAD)}
${elementwiseMain(lines.join('\n    '))}`;
}

/** One input of a concat: out[o * p.total + p.offset + j] = X[o * p.width + j]. */
export const CONCAT = paramLayout([
  ['n', 'u32'],
  ['width', 'u32'],
  ['total', 'u32'],
  ['offset', 'u32'],
]);

export function concatSource(): string {
  return `${bindings([['X', 'u32']], [['Y', 'u32']], CONCAT)}
${elementwiseMain('let o = i / p.width; Y[o * p.total + p.offset + (i - o * p.width)] = X[i];')}`;
}
