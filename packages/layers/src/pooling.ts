/** Max and average pooling layers over NCHW input (windows default to non-overlapping). */
import {
  avgPool2d,
  maxPool2d,
  windowGeometry,
  type Pair,
  type Padding,
  type Tensor,
} from '@tessera/core';
import { Module, type ModuleOptions } from './module.js';
import { kernelPair } from './conv2d.js';

export interface Pool2dOptions extends ModuleOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Padding;
}

abstract class Pool2d extends Module {
  readonly kernelSize: readonly [number, number];
  readonly stride: Pair;
  readonly padding: Padding;

  constructor(layer: string, kernelSize: Pair, options: Pool2dOptions) {
    super(options);
    this.kernelSize = kernelPair(layer, kernelSize);
    this.stride = options.stride ?? [this.kernelSize[0], this.kernelSize[1]];
    this.padding = options.padding ?? 'valid';
    windowGeometry(
      layer,
      [1, 1, 1 << 20, 1 << 20],
      this.kernelSize[0],
      this.kernelSize[1],
      1,
      this.#window(),
    );
  }

  #window(): { stride: Pair; padding: Padding } {
    return { stride: this.stride, padding: this.padding };
  }

  protected poolOptions(): { kernelSize: Pair; stride: Pair; padding: Padding } {
    return { kernelSize: [this.kernelSize[0], this.kernelSize[1]], ...this.#window() };
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 4) throw this.shapeError(['N', 'C', 'H', 'W'], inputShape);
    const [kH, kW] = this.kernelSize;
    const g = windowGeometry(this.label, inputShape, kH, kW, inputShape[1], this.#window());
    return [g.batch, g.inChannels, g.outH, g.outW];
  }
}

export class MaxPool2d extends Pool2d {
  readonly kind = 'MaxPool2d';
  readonly namePrefix = 'pool';
  constructor(kernelSize: Pair, options: Pool2dOptions = {}) {
    super('MaxPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return maxPool2d(x, this.poolOptions());
  }
}

export class AvgPool2d extends Pool2d {
  readonly kind = 'AvgPool2d';
  readonly namePrefix = 'avgpool';
  constructor(kernelSize: Pair, options: Pool2dOptions = {}) {
    super('AvgPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return avgPool2d(x, this.poolOptions());
  }
}
