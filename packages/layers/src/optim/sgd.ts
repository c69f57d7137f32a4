/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
 * following PyTorch's torch.optim.SGD (dampening 0):
 *   g' = g + weightDecay * p
 *   v  = momentum * v + g'        (v = g' on the first step)
 *   p  = p - lr * (nesterov ? g' + momentum * v : v)
 */
import { ArgumentError, add, mul, sub, type Tensor } from '@tessera/core';
import { Optimizer, checkHyper, type UpdateResult } from './optimizer.js';

export interface SGDOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class SGD extends Optimizer {
  readonly name = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(lr: number, options: SGDOptions = {}) {
    super(lr);
    this.momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.weightDecay = checkHyper('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && this.momentum === 0) {
      throw new ArgumentError(`SGD: 'nesterov' needs 'momentum' > 0`);
    }
  }

  protected update(p: Tensor, g: Tensor, state: readonly Tensor[], _step: number): UpdateResult {
    const d = this.weightDecay > 0 ? add(g, mul(p, this.weightDecay)) : g;
    if (this.momentum === 0) return { value: sub(p, mul(d, this.lr)), state: [] };
    const v = state.length > 0 ? add(mul(state[0], this.momentum), d) : d;
    const direction = this.nesterov ? add(d, mul(v, this.momentum)) : v;
    return { value: sub(p, mul(direction, this.lr)), state: [v] };
  }
}
