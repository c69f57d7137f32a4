import { tidy } from '../engine.js';
import { noGrad } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';

/**
 * Composite fallbacks run with the tape paused (the calling op records one VJP for the whole
 * composite) and inside tidy (their temporaries are freed; only the result survives).
 */
export function composite(fn: () => Tensor): Tensor {
  return noGrad(() => tidy(fn));
}
