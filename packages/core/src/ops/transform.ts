/** Ops that move data: transpose, slice, pad, concat. */
import { record } from '../autodiff/tape.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { backendOf, checkTensor, runKernel, runOptional } from './dispatch.js';
import { composite } from './composite.js';

/** Permute axes; default reverses them. out.shape[i] = x.shape[perm[i]]. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const op = 'transpose';
  checkTensor(op, 'x', x);
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new ArgumentError(
      `${op}: 'perm' ${JSON.stringify(p)} is not a permutation of the ${x.rank} axes of x ${formatShape(x.shape)}`,
    );
  }
  const shape = p.map((a) => x.shape[a]);
  const y = p.every((v, i) => v === i)
    ? runKernel(x.backend, 'Slice', { x, begin: shape.map(() => 0), size: shape }, shape, x.dtype)
    : runKernel(x.backend, 'Transpose', { x, perm: p }, shape, x.dtype);
  const inverse = new Array<number>(p.length);
  p.forEach((v, i) => (inverse[v] = i));
  record(op, [x], y, [], (dy) => [transpose(dy, inverse)]);
  return y;
}

/** The box starting at `begin` with extent `size` (-1 = to the end) on every axis. */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const op = 'slice';
  checkTensor(op, 'x', x);
  if (!Array.isArray(begin) || begin.length !== x.rank) {
    throw new ArgumentError(
      `${op}: 'begin' must have one entry per axis of x ${formatShape(x.shape)}`,
    );
  }
  const sz = size ?? x.shape.map((d, i) => d - begin[i]);
  if (!Array.isArray(sz) || sz.length !== x.rank) {
    throw new ArgumentError(
      `${op}: 'size' must have one entry per axis of x ${formatShape(x.shape)}`,
    );
  }
  const outShape = sz.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s));
  for (let i = 0; i < x.rank; i++) {
    const b = begin[i];
    const s = outShape[i];
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[i]) {
      throw new ShapeError(
        `${op}: begin ${JSON.stringify(begin)} size ${JSON.stringify(sz)} is outside x ${formatShape(x.shape)} on axis ${i}`,
      );
    }
  }
  const y = runKernel(x.backend, 'Slice', { x, begin, size: outShape }, outShape, x.dtype);
  record(op, [x], y, [], (dy) => [
    pad(
      dy,
      x.shape.map((d, i) => [begin[i], d - begin[i] - outShape[i]] as const),
    ),
  ]);
  return y;
}

/** Constant padding; paddings[i] = [before, after] for axis i. */
export function pad(
  x: Tensor,
  paddings: readonly (readonly [number, number])[],
  value = 0,
): Tensor {
  const op = 'pad';
  checkTensor(op, 'x', x);
  if (!Array.isArray(paddings) || paddings.length !== x.rank) {
    throw new ArgumentError(
      `${op}: 'paddings' must have one [before, after] pair per axis of x ${formatShape(x.shape)}`,
    );
  }
  for (const p of paddings) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new ArgumentError(
        `${op}: 'paddings' entries must be [before, after] non-negative integers, got ${JSON.stringify(paddings)}`,
      );
    }
  }
  if (typeof value !== 'number') throw new ArgumentError(`${op}: 'value' must be a number`);
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const y = runKernel(x.backend, 'Pad', { x, paddings, value }, shape, x.dtype);
  record(op, [x], y, [], (dy) => [
    slice(
      dy,
      paddings.map((p) => p[0]),
      x.shape,
    ),
  ]);
  return y;
}

/** Join tensors along `axis`; every other dimension must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  if (!Array.isArray(xs as unknown) || xs.length === 0) {
    throw new ArgumentError(`${op}: 'xs' must be a non-empty array of tensors`);
  }
  xs.forEach((t, i) => checkTensor(op, `xs[${i}]`, t));
  const first: Tensor = xs[0];
  const ax = normalizeAxis(op, axis, first.rank);
  for (let i = 1; i < xs.length; i++) {
    const t = xs[i];
    if (t.dtype !== first.dtype) {
      throw new DTypeError(`${op}: xs[${i}] is ${t.dtype} but xs[0] is ${first.dtype}`);
    }
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(
        `${op}: xs[${i}] ${formatShape(t.shape)} does not match xs[0] ${formatShape(first.shape)} outside axis ${ax}`,
      );
    }
  }
  const backend = backendOf(op, ...xs);
  const total = xs.reduce((s, t) => s + t.shape[ax], 0);
  const outShape = first.shape.map((d, j) => (j === ax ? total : d));
  const y = runOptional(backend, 'Concat', { xs, axis: ax, outShape }, outShape, first.dtype, () =>
    composite(() => {
      // Composite: pad each input out to the full extent along `axis`, then add them up.
      let offset = 0;
      let acc: Tensor | undefined;
      for (const t of xs) {
        const p = t.shape.map((_, j) =>
          j === ax ? ([offset, total - offset - t.shape[ax]] as const) : ([0, 0] as const),
        );
        offset += t.shape[ax];
        const padded = runKernel(
          backend,
          'Pad',
          { x: t, paddings: p, value: 0 },
          outShape,
          t.dtype,
        );
        acc = acc ? add(acc, padded) : padded;
      }
      return acc as Tensor;
    }),
  );
  const sizes = xs.map((t) => t.shape[ax]);
  record(op, xs, y, [], (dy) => {
    let offset = 0;
    return sizes.map((s) => {
      const begin = dy.shape.map((_, j) => (j === ax ? offset : 0));
      const size = dy.shape.map((d, j) => (j === ax ? s : d));
      offset += s;
      return slice(dy, begin, size);
    });
  });
  return y;
}
