/**
 * Adam (Kingma & Ba), in PyTorch's torch.optim.Adam form (L2 weight decay added to the gradient):
 *   g' = g + weightDecay * p
 *   m  = beta1 * m + (1 - beta1) * g'
 *   v  = beta2 * v + (1 - beta2) * g'^2
 *   p  = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 */
import { add, div, mul, sqrt, square, sub, type Tensor } from '@tessera/core';
import { Optimizer, checkHyper, type UpdateResult } from './optimizer.js';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly name = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(lr = 1e-3, options: AdamOptions = {}) {
    super(lr);
    this.beta1 = checkHyper('Adam', 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkHyper('Adam', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.eps = checkHyper('Adam', 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = checkHyper('Adam', 'weightDecay', options.weightDecay ?? 0, 0);
  }

  protected update(p: Tensor, g: Tensor, state: readonly Tensor[], step: number): UpdateResult {
    const d = this.weightDecay > 0 ? add(g, mul(p, this.weightDecay)) : g;
    const mNew = mul(d, 1 - this.beta1);
    const vNew = mul(square(d), 1 - this.beta2);
    const m = state.length > 0 ? add(mul(state[0], this.beta1), mNew) : mNew;
    const v = state.length > 0 ? add(mul(state[1], this.beta2), vNew) : vNew;
    const bc1 = 1 - this.beta1 ** step;
    const bc2 = 1 - this.beta2 ** step;
    const denom = add(div(sqrt(v), Math.sqrt(bc2)), this.eps);
    const value = sub(p, mul(div(m, denom), this.lr / bc1));
    return { value, state: [m, v] };
  }
}
