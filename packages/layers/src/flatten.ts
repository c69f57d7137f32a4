/** Flatten: [N, ...] -> [N, product of the rest], the bridge from conv features to FC layers. */
import { reshape, type Tensor } from '@tessera/core';
import { Module, type ModuleOptions } from './module.js';

export class Flatten extends Module {
  readonly kind = 'Flatten';
  readonly namePrefix = 'flatten';

  constructor(options: ModuleOptions = {}) {
    super(options);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length < 1) throw this.shapeError(['N', '...'], inputShape);
    return [inputShape[0], inputShape.slice(1).reduce((a, b) => a * b, 1)];
  }

  forward(x: Tensor): Tensor {
    return reshape(x, this.checkInput(x));
  }
}
