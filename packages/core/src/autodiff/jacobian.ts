/**
 * The full Jacobian, one VJP per output element. Meant for small teaching examples: it is
 * exactly what reverse mode avoids building. A ReLU layer of 4096 units already has a
 * 4096 x 4096 Jacobian (16.7M entries); on a batch of 100 it would be 409,600 x 409,600.
 */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, opt } from '../options.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../ops/dispatch.js';
import { hostTensor } from '../ops/helpers.js';
import { noGrad } from './tape.js';
import { tidy } from '../engine.js';
import { vjp } from './grad.js';

export interface JacobianOptions {
  /** Refuse Jacobians with more entries than this (default 1,000,000 = 4 MB of float32). */
  maxElements?: number;
}

/** J[i..., j...] = d f(x)[i...] / d x[j...], shape [...f(x).shape, ...x.shape]. */
export async function jacobian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  options: JacobianOptions = {},
): Promise<Tensor> {
  checkTensor('jacobian', 'x', x);
  checkOptions('jacobian', options, { maxElements: opt.number({ greaterThan: 0 }) });
  const limit = options.maxElements ?? 1_000_000;
  if (!(limit > 0))
    throw new ArgumentError(`jacobian: 'maxElements' must be positive, got ${limit}`);
  // Only the output's shape is needed; tidy frees f's intermediates (and never x itself).
  const { yShape, ySize } = tidy(() => {
    const y = noGrad(() => f(x));
    return { yShape: [...y.shape], ySize: y.size };
  });
  const entries = ySize * x.size;
  if (entries > limit) {
    throw new ShapeError(
      `jacobian: the Jacobian of an output ${formatShape(yShape)} with respect to x ${formatShape(x.shape)} ` +
        `has ${entries.toLocaleString('en-US')} entries, over the limit of ${limit.toLocaleString('en-US')} ` +
        `(pass {maxElements} to raise it). Backprop never needs it: use grad or vjp, which apply ` +
        `the Jacobian without materialising it.`,
    );
  }
  const out = new Float32Array(entries);
  const basis = new Float32Array(ySize);
  for (let i = 0; i < ySize; i++) {
    basis.fill(0);
    basis[i] = 1;
    const cot = hostTensor(x.backend, basis, yShape, 'float32');
    const { value, grads } = vjp(f, [x], cot);
    out.set(await grads[0].data(), i * x.size);
    cot.dispose();
    value.dispose();
    grads[0].dispose();
  }
  return hostTensor(x.backend, out, [...yShape, ...x.shape], 'float32');
}
