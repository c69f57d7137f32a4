/** Fully connected layer: y = x W^T + b, W is [out, in] (the lecture's f = Wx + b, batched). */
import { ArgumentError, biasAdd, matmul, relu, type Tensor } from '@tessera/core';
import { Module, type ModuleOptions, type ReluFusable } from './module.js';
import { heNormal, zeros, type Initializer } from './init.js';

export interface LinearOptions extends ModuleOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Weight initialiser (default He normal, suited to a following ReLU). */
  weightInit?: Initializer;
  biasInit?: Initializer;
}

function checkCount(layer: string, arg: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0)
    throw new ArgumentError(`${layer}: '${arg}' must be a positive integer, got ${v}`);
  return v;
}

export class Linear extends Module implements ReluFusable {
  readonly kind = 'Linear';
  readonly namePrefix = 'fc';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super(options);
    this.inFeatures = checkCount('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkCount('Linear', 'outFeatures', outFeatures);
    this.bias = options.bias ?? true;
    const fans = { fanIn: inFeatures, fanOut: outFeatures };
    this.declareParameter(
      'weight',
      [outFeatures, inFeatures],
      options.weightInit ?? heNormal(),
      fans,
    );
    if (this.bias) this.declareParameter('bias', [outFeatures], options.biasInit ?? zeros(), fans);
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 2 || inputShape[1] !== this.inFeatures) {
      throw this.shapeError(
        ['N', this.inFeatures],
        inputShape,
        inputShape.length > 2 ? 'add a Flatten layer before it' : '',
      );
    }
    return [inputShape[0], this.outFeatures];
  }

  override multiplyAdds(inputShape: readonly number[]): number {
    return inputShape[0] * this.inFeatures * this.outFeatures;
  }

  forward(x: Tensor): Tensor {
    return this.#run(x, false);
  }

  /** forward followed by ReLU, fused into the bias addition. */
  forwardWithRelu(x: Tensor): Tensor {
    return this.#run(x, true);
  }

  #run(x: Tensor, withRelu: boolean): Tensor {
    this.checkInput(x);
    const y = matmul(x, this.param('weight'), { transposeB: true });
    if (!this.bias) {
      if (!withRelu) return y;
      const r = relu(y);
      y.dispose();
      return r;
    }
    const out = biasAdd(y, this.param('bias'), { relu: withRelu });
    y.dispose();
    return out;
  }
}
