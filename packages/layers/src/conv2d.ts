/**
 * 2-D convolution layer over NCHW input, weights [outC, inC, kH, kW] (PyTorch/ONNX layout).
 * The output size follows core's window geometry: floor((H + pads - dilation*(k-1) - 1) / stride) + 1.
 */
import {
  ArgumentError,
  biasAdd,
  conv2d,
  relu,
  windowGeometry,
  type Pair,
  type Padding,
  type Tensor,
} from '@tessera/core';
import { Module, type ModuleOptions, type ReluFusable } from './module.js';
import { heNormal, zeros, type Initializer } from './init.js';

export interface Conv2dOptions extends ModuleOptions {
  stride?: Pair;
  /** 'valid' (default), 'same', a number or [ph, pw]. */
  padding?: Padding;
  dilation?: Pair;
  bias?: boolean;
  weightInit?: Initializer;
  biasInit?: Initializer;
}

export function kernelPair(layer: string, kernelSize: Pair): [number, number] {
  const k: readonly number[] =
    typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  if (!Array.isArray(k) || k.length !== 2 || !k.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ArgumentError(
      `${layer}: 'kernelSize' must be a positive integer or [kH, kW], got ${JSON.stringify(kernelSize)}`,
    );
  }
  return [k[0], k[1]];
}

export function positiveInt(layer: string, arg: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0)
    throw new ArgumentError(`${layer}: '${arg}' must be a positive integer, got ${v}`);
  return v;
}

export class Conv2d extends Module implements ReluFusable {
  readonly kind = 'Conv2d';
  readonly namePrefix = 'conv';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: Pair;
  readonly padding: Padding;
  readonly dilation: Pair;
  readonly bias: boolean;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super(options);
    this.inChannels = positiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = positiveInt('Conv2d', 'outChannels', outChannels);
    const [kH, kW] = kernelPair('Conv2d', kernelSize);
    this.kernelSize = [kH, kW];
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 'valid';
    this.dilation = options.dilation ?? 1;
    this.bias = options.bias ?? true;
    // Validate stride/padding/dilation now (on a shape that fits) rather than at the first batch.
    windowGeometry(
      'Conv2d',
      [1, inChannels, 1 << 20, 1 << 20],
      kH,
      kW,
      outChannels,
      this.#windowOptions(),
    );
    const fans = { fanIn: inChannels * kH * kW, fanOut: outChannels * kH * kW };
    this.declareParameter(
      'weight',
      [outChannels, inChannels, kH, kW],
      options.weightInit ?? heNormal(),
      fans,
    );
    if (this.bias) this.declareParameter('bias', [outChannels], options.biasInit ?? zeros(), fans);
  }

  #windowOptions(): { stride: Pair; padding: Padding; dilation: Pair } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation };
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 4 || inputShape[1] !== this.inChannels) {
      throw this.shapeError(['N', this.inChannels, 'H', 'W'], inputShape);
    }
    const [kH, kW] = this.kernelSize;
    const g = windowGeometry(
      this.label,
      inputShape,
      kH,
      kW,
      this.outChannels,
      this.#windowOptions(),
    );
    return [g.batch, this.outChannels, g.outH, g.outW];
  }

  override multiplyAdds(inputShape: readonly number[]): number {
    const [n, o, h, w] = this.outputShape(inputShape);
    return n * o * h * w * this.inChannels * this.kernelSize[0] * this.kernelSize[1];
  }

  forward(x: Tensor): Tensor {
    return this.#run(x, false);
  }

  forwardWithRelu(x: Tensor): Tensor {
    return this.#run(x, true);
  }

  #run(x: Tensor, withRelu: boolean): Tensor {
    this.checkInput(x);
    const y = conv2d(x, this.param('weight'), this.#windowOptions());
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
