/** Shape arithmetic: sizes, strides, NumPy broadcasting, axis normalisation. */
import { ArgumentError, ShapeError, formatShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (in elements). */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validate a user-supplied shape: non-negative integers. */
export function checkShape(op: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${op}: '${arg}' must be an array of non-negative integers`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: '${arg}' must hold non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
  }
  if (sizeOf(shape as number[]) > 2 ** 31 - 1) {
    throw new ShapeError(
      `${op}: '${arg}' ${formatShape(shape as number[])} has more than 2^31-1 elements`,
    );
  }
  return [...(shape as number[])];
}

/**
 * NumPy broadcasting: align shapes at the right; each pair of dims must match or one be 1.
 * Errors name the op and both shapes.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape, names = ['a', 'b']): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: cannot broadcast '${names[0]}' ${formatShape(a)} with '${names[1]}' ${formatShape(b)} ` +
          `(dimension ${i - rank} is ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Axes of `inShape` that were broadcast to produce `outShape` (to sum a gradient back). */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset];
    if (d === 1 && outShape[i] !== 1) axes.push(i);
    else if (i < offset) axes.push(i);
  }
  return axes;
}

/** Normalise one axis (negative counts from the end). */
export function normalizeAxis(op: string, axis: number, rank: number, arg = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw new ArgumentError(`${op}: '${arg}' ${axis} is out of range for a rank-${rank} tensor`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalise an axis list; undefined means all axes. Sorted, unique. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(out)].sort((x, y) => x - y);
  if (unique.length !== out.length) {
    throw new ArgumentError(`${op}: 'axis' ${JSON.stringify(list)} repeats an axis`);
  }
  return unique;
}
