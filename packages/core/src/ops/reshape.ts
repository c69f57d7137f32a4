/** Views that change only the shape: no data moves, the new tensor shares the buffer. */
import { record } from '../autodiff/tape.js';
import { shareData } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './dispatch.js';

/** Same data, new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'reshape';
  checkTensor(op, 'x', x);
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: 'shape' must be an array`);
  const inferred = shape.indexOf(-1);
  if (inferred !== shape.lastIndexOf(-1)) {
    throw new ShapeError(`${op}: 'shape' ${formatShape(shape)} has more than one -1`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < -1) {
      throw new ShapeError(
        `${op}: 'shape' ${formatShape(shape)} must hold integers >= 0 (or one -1)`,
      );
    }
  }
  const out = [...shape];
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot reshape x ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
      );
    }
    out[inferred] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `${op}: cannot reshape x ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} ` +
        `(${sizeOf(out)} elements)`,
    );
  }
  const y = shareData(x, out);
  record(op, [x], y, [], (dy) => [reshape(dy, x.shape)]);
  return y;
}

/** Insert a size-1 axis at `axis`. */
export function expandDims(x: Tensor, axis = 0): Tensor {
  checkTensor('expandDims', 'x', x);
  const a = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Remove size-1 axes (all of them, or the listed ones, which must be 1). */
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  checkTensor('squeeze', 'x', x);
  const drop = new Set(
    axes === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : axes.map((a) => normalizeAxis('squeeze', a, x.rank)),
  );
  for (const a of drop) {
    if (x.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${a} of x ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`,
      );
    }
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
  );
}

/** Keep the first axis, merge the rest: [N, ...] -> [N, prod(...)]. */
export function flatten(x: Tensor): Tensor {
  checkTensor('flatten', 'x', x);
  if (x.rank === 0) throw new ShapeError(`flatten: x must have at least one axis, got a scalar`);
  return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
}
