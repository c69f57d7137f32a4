/** Activation layers. ReLU after a Linear or Conv2d is fused into its bias addition by Sequential. */
import { relu, sigmoid, tanh, type Tensor } from '@tessera/core';
import { Module, type ModuleOptions } from './module.js';

abstract class Elementwise extends Module {
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }
}

export class ReLU extends Elementwise {
  readonly kind = 'ReLU';
  readonly namePrefix = 'relu';
  constructor(options: ModuleOptions = {}) {
    super(options);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return relu(x);
  }
}

export class Sigmoid extends Elementwise {
  readonly kind = 'Sigmoid';
  readonly namePrefix = 'sigmoid';
  constructor(options: ModuleOptions = {}) {
    super(options);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return sigmoid(x);
  }
}

export class Tanh extends Elementwise {
  readonly kind = 'Tanh';
  readonly namePrefix = 'tanh';
  constructor(options: ModuleOptions = {}) {
    super(options);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return tanh(x);
  }
}
