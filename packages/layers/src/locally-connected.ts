/**
 * Locally connected layer: like Conv2d, each output unit sees only a kH x kW window, but no
 * weights are shared: every output position has its own filters. Weights are
 * [outH, outW, outC, inC, kH, kW] (outH*outW times a Conv2d's), biases [outC, outH, outW].
 * The input size must be known up front because the parameter count depends on it.
 */
import {
  ArgumentError,
  add,
  locallyConnected2d,
  windowGeometry,
  type Pair,
  type Padding,
  type Tensor,
} from '@tessera/core';
import { Module, type ModuleOptions } from './module.js';
import { heNormal, zeros, type Initializer } from './init.js';
import { kernelPair, positiveInt } from './conv2d.js';

export interface LocallyConnected2dOptions extends ModuleOptions {
  /** Input [H, W]: fixes the number of output positions and so the weight shape. */
  inputSize: readonly [number, number];
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  bias?: boolean;
  weightInit?: Initializer;
  biasInit?: Initializer;
}

export class LocallyConnected2d extends Module {
  readonly kind = 'LocallyConnected2d';
  readonly namePrefix = 'local';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly inputSize: readonly [number, number];
  readonly outputSize: readonly [number, number];
  readonly bias: boolean;
  readonly #window: { stride: Pair; padding: Padding; dilation: Pair };

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: LocallyConnected2dOptions,
  ) {
    super(options);
    const layer = 'LocallyConnected2d';
    this.inChannels = positiveInt(layer, 'inChannels', inChannels);
    this.outChannels = positiveInt(layer, 'outChannels', outChannels);
    const [kH, kW] = kernelPair(layer, kernelSize);
    this.kernelSize = [kH, kW];
    const size = options?.inputSize;
    if (!Array.isArray(size) || size.length !== 2) {
      throw new ArgumentError(
        `${layer}: 'inputSize' [H, W] is required (the weight shape depends on it)`,
      );
    }
    const [h, w] = [
      positiveInt(layer, 'inputSize[0]', size[0]),
      positiveInt(layer, 'inputSize[1]', size[1]),
    ];
    this.inputSize = [h, w];
    this.#window = {
      stride: options.stride ?? 1,
      padding: options.padding ?? 'valid',
      dilation: options.dilation ?? 1,
    };
    const g = windowGeometry(layer, [1, inChannels, h, w], kH, kW, outChannels, this.#window);
    this.outputSize = [g.outH, g.outW];
    this.bias = options.bias ?? true;
    const fans = { fanIn: inChannels * kH * kW, fanOut: outChannels * kH * kW };
    this.declareParameter(
      'weight',
      [g.outH, g.outW, outChannels, inChannels, kH, kW],
      options.weightInit ?? heNormal(),
      fans,
    );
    if (this.bias)
      this.declareParameter(
        'bias',
        [outChannels, g.outH, g.outW],
        options.biasInit ?? zeros(),
        fans,
      );
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [h, w] = this.inputSize;
    if (
      inputShape.length !== 4 ||
      inputShape[1] !== this.inChannels ||
      inputShape[2] !== h ||
      inputShape[3] !== w
    ) {
      throw this.shapeError(['N', this.inChannels, h, w], inputShape);
    }
    return [inputShape[0], this.outChannels, this.outputSize[0], this.outputSize[1]];
  }

  override multiplyAdds(inputShape: readonly number[]): number {
    const [n, o, oh, ow] = this.outputShape(inputShape);
    return n * o * oh * ow * this.inChannels * this.kernelSize[0] * this.kernelSize[1];
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const y = locallyConnected2d(x, this.param('weight'), this.#window);
    if (!this.bias) return y;
    const out = add(y, this.param('bias'));
    y.dispose();
    return out;
  }
}
