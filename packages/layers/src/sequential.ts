/**
 * Sequential: layers applied in order. Unnamed layers get names from their kind and position
 * among layers of that kind (conv1, relu1, pool1, conv2, ..., fc1, fc2), which also name the
 * parameters ('conv1.weight').
 *
 * A ReLU right after a Linear or Conv2d runs fused with that layer's bias addition (one pass
 * instead of two); `plan()` shows the steps that actually run.
 */
import { ArgumentError, type Tensor } from '@tessera/core';
import { Module, canFuseRelu, type ModuleOptions } from './module.js';
import { ReLU } from './activations.js';

export type SequentialItem = Module | readonly [string, Module];

export interface SequentialOptions extends ModuleOptions {
  /** Fuse ReLU into the preceding Linear/Conv2d (default true). */
  fuse?: boolean;
}

/** One executed step: a layer, or a layer with its following ReLU fused in. */
export interface PlanStep {
  /** The layers this step computes (1, or 2 when a ReLU is fused). */
  readonly layers: readonly Module[];
  /** 'conv1' or 'conv1+relu1'. */
  readonly name: string;
  run(x: Tensor): Tensor;
}

export class Sequential extends Module {
  readonly kind = 'Sequential';
  readonly namePrefix = 'sequential';
  readonly layers: readonly Module[];
  readonly fuse: boolean;
  readonly #plan: PlanStep[];

  constructor(items: readonly SequentialItem[], options: SequentialOptions = {}) {
    super(options);
    if (!Array.isArray(items) || items.length === 0) {
      throw new ArgumentError('Sequential: expected a non-empty array of layers');
    }
    const layers: Module[] = [];
    const counts = new Map<string, number>();
    items.forEach((item, i) => {
      const [given, layer] = Array.isArray(item)
        ? (item as unknown as readonly [string, Module])
        : [undefined, item as Module];
      if (!(layer instanceof Module))
        throw new ArgumentError(`Sequential: item ${i} is not a Module`);
      if (given !== undefined) layer.name = given;
      else if (!layer.hasName) {
        const n = (counts.get(layer.namePrefix) ?? 0) + 1;
        counts.set(layer.namePrefix, n);
        layer.name = `${layer.namePrefix}${n}`;
      }
      this.addModule(layer.name, layer);
      layers.push(layer);
    });
    this.layers = layers;
    this.fuse = options.fuse ?? true;
    this.#plan = this.#buildPlan();
    if (options.seed !== undefined) this.setSeed(options.seed);
  }

  #buildPlan(): PlanStep[] {
    const steps: PlanStep[] = [];
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      const next = this.layers[i + 1];
      if (this.fuse && next instanceof ReLU && canFuseRelu(layer)) {
        steps.push({
          layers: [layer, next],
          name: `${layer.name}+${next.name}`,
          run: (x) => layer.forwardWithRelu(x),
        });
        i++;
      } else {
        steps.push({ layers: [layer], name: layer.name, run: (x) => layer.forward(x) });
      }
    }
    return steps;
  }

  /** The steps forward runs, after fusion. */
  plan(): readonly PlanStep[] {
    return this.#plan;
  }

  outputShape(inputShape: readonly number[]): number[] {
    let shape = [...inputShape];
    for (const layer of this.layers) shape = layer.outputShape(shape);
    return shape;
  }

  /** Output shape after each layer, validating the whole chain. */
  layerShapes(
    inputShape: readonly number[],
  ): { layer: Module; input: number[]; output: number[] }[] {
    let shape = [...inputShape];
    return this.layers.map((layer) => {
      const input = shape;
      shape = layer.outputShape(shape);
      return { layer, input, output: shape };
    });
  }

  override multiplyAdds(inputShape: readonly number[]): number {
    return this.layerShapes(inputShape).reduce((s, r) => s + r.layer.multiplyAdds(r.input), 0);
  }

  forward(x: Tensor): Tensor {
    // Validate the whole chain first so a wrong input fails before any compute.
    this.checkInput(x);
    let h = x;
    for (const step of this.#plan) {
      const next = step.run(h);
      if (h !== x) h.dispose();
      h = next;
    }
    return h;
  }
}
