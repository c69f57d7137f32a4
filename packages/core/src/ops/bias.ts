/** Bias addition along the channel axis, optionally fused with relu (conv and linear layers). */
import { record } from '../autodiff/tape.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, opt } from '../options.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { composite } from './composite.js';
import { backendOf, checkTensor, runOptional } from './dispatch.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { relu as reluOp, step } from './unary.js';

export interface BiasAddOptions {
  /** The channel axis bias runs along: 1 for both [N, F] and [N, C, H, W] (the default). */
  axis?: number;
  /** Apply relu after adding (one fused pass on backends that have it). */
  relu?: boolean;
}

/** x + bias along `axis`, then relu when asked. bias is 1-D with x.shape[axis] entries. */
export function biasAdd(x: Tensor, bias: Tensor, options: BiasAddOptions = {}): Tensor {
  const op = 'biasAdd';
  checkTensor(op, 'x', x);
  checkTensor(op, 'bias', bias);
  if (x.dtype !== 'float32' || bias.dtype !== 'float32') {
    throw new DTypeError(`${op}: x and bias must be float32, got ${x.dtype} and ${bias.dtype}`);
  }
  const backend = backendOf(op, x, bias);
  checkOptions(op, options, { axis: opt.number({ integer: true }), relu: opt.boolean() });
  const axis = normalizeAxis(op, options.axis ?? 1, x.rank);
  const relu = options.relu ?? false;
  const channels = x.shape[axis];
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(
      `${op}: 'bias' must be [${channels}] for x ${formatShape(x.shape)} along axis ${axis}, got ${formatShape(bias.shape)}`,
    );
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const args = { x, bias, outer, channels, inner, relu };
  const y = runOptional(backend, 'BiasAdd', args, x.shape, 'float32', () =>
    composite(() => {
      const b = reshape(
        bias,
        x.shape.map((d, i) => (i === axis ? d : 1)),
      );
      const z = add(x, b);
      return relu ? reluOp(z) : z;
    }),
  );
  const otherAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
  record(op, [x, bias], y, [y], (dy, [ys]) => {
    const dz = relu ? mul(dy, step(ys)) : dy;
    return [dz, sum(dz, otherAxes)];
  });
  return y;
}
