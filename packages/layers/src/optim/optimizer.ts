/**
 * The optimiser base: turns (parameter, gradient, state) into (new parameter, new state).
 * Tensors are immutable, so every step makes new parameter and state tensors and disposes the
 * old state; `step(model, grads)` also swaps the new parameters into the model (which disposes
 * the old ones). Updates run under noGrad and tidy, so memory stays flat over any number of steps.
 */
import {
  ArgumentError,
  ShapeError,
  Tensor,
  formatShape,
  keep,
  noGrad,
  reshape,
  tidy,
} from '@tessera/core';
import type { Module } from '../module.js';

export interface UpdateResult {
  readonly value: Tensor;
  readonly state: Tensor[];
}

export abstract class Optimizer {
  abstract readonly name: string;
  #lr: number;
  #step = 0;
  readonly #state = new Map<string, Tensor[]>();

  constructor(lr: number) {
    this.#lr = Optimizer.checkRate(lr);
  }

  private static checkRate(lr: number): number {
    if (!Number.isFinite(lr) || lr < 0)
      throw new ArgumentError(`optimizer: 'lr' must be a finite number >= 0, got ${lr}`);
    return lr;
  }

  /** Learning rate; may be changed between steps (schedules). */
  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = Optimizer.checkRate(value);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#step;
  }

  /** Update every parameter of `model`; `grads` are in `model.parameters()` order. */
  step(model: Module, grads: readonly Tensor[]): void {
    const updated = this.apply(model.namedParameters(), grads);
    for (const [name, value] of updated) model.setParameter(name, value);
  }

  /**
   * The functional form: new values for each named parameter. The caller owns the returned
   * tensors; the inputs are left alone. State is kept per parameter name.
   */
  apply(
    named: readonly (readonly [string, Tensor])[],
    grads: readonly Tensor[],
  ): [string, Tensor][] {
    if (grads.length !== named.length) {
      throw new ArgumentError(
        `${this.name}: got ${grads.length} gradients for ${named.length} parameters`,
      );
    }
    named.forEach(([name, p], i) => {
      const g = grads[i];
      if (!(g instanceof Tensor))
        throw new ArgumentError(`${this.name}: gradient ${i} ('${name}') is not a Tensor`);
      g.assertAlive(`${this.name} (gradient of '${name}')`);
      if (g.shape.length !== p.shape.length || g.shape.some((d, j) => d !== p.shape[j])) {
        throw new ShapeError(
          `${this.name}: gradient of '${name}' is ${formatShape(g.shape)} but the parameter is ${formatShape(p.shape)}`,
        );
      }
    });
    this.#step++;
    const t = this.#step;
    return noGrad(() =>
      named.map(([name, p], i) => {
        const g = grads[i];
        const previous = this.#state.get(name) ?? [];
        const inputs = new Set<Tensor>([p, g, ...previous]);
        const result = tidy(() => {
          const r = this.update(p, g, previous, t);
          // An update may hand back one of its inputs (a first momentum step is the gradient
          // itself); take a new handle so the caller can dispose the gradient safely.
          const own = (x: Tensor) => (inputs.has(x) ? reshape(x, x.shape) : x);
          return { value: own(r.value), state: r.state.map(own) };
        });
        keep(result.value);
        for (const s of result.state) keep(s);
        for (const s of previous) s.dispose();
        this.#state.set(name, result.state);
        return [name, result.value] as [string, Tensor];
      }),
    );
  }

  /** new parameter and state from the old ones; runs inside tidy and noGrad. */
  protected abstract update(
    p: Tensor,
    g: Tensor,
    state: readonly Tensor[],
    step: number,
  ): UpdateResult;

  /** Number of state tensors held (momentum buffers, moments). */
  get stateSize(): number {
    let n = 0;
    for (const s of this.#state.values()) n += s.length;
    return n;
  }

  /**
   * The state to checkpoint: every state tensor as `<parameter>.<slot>` (new handles the caller
   * owns and disposes) and the step count. With the parameters, this is all a resumed run needs.
   */
  stateDict(): { tensors: Record<string, Tensor>; steps: number } {
    const tensors: Record<string, Tensor> = {};
    noGrad(() => {
      for (const [name, slots] of this.#state) {
        slots.forEach((t, i) => (tensors[`${name}.${i}`] = reshape(t, t.shape)));
      }
    });
    return { tensors, steps: this.#step };
  }

  /**
   * Restore what `stateDict()` gave for a model with `parameterNames`. Every name is validated
   * before anything changes: slots must be numbered 0..k-1 per parameter with no gaps, and no
   * tensor may name an unknown parameter. The dict's tensors stay the caller's.
   */
  loadStateDict(
    state: { readonly tensors: Readonly<Record<string, Tensor>>; readonly steps: number },
    parameterNames: readonly string[],
  ): void {
    const { tensors, steps } = state;
    if (!Number.isInteger(steps) || steps < 0) {
      throw new ArgumentError(
        `${this.name}.loadStateDict: 'steps' must be an integer >= 0, got ${steps}`,
      );
    }
    const known = new Set(parameterNames);
    const slots = new Map<string, Tensor[]>();
    for (const [key, t] of Object.entries(tensors)) {
      const dot = key.lastIndexOf('.');
      const name = key.slice(0, dot);
      const slot = Number(key.slice(dot + 1));
      if (dot < 0 || !known.has(name) || !Number.isInteger(slot) || slot < 0) {
        throw new ArgumentError(
          `${this.name}.loadStateDict: '${key}' is not '<parameter>.<slot>' for a parameter of this model`,
        );
      }
      if (!(t instanceof Tensor))
        throw new ArgumentError(`${this.name}.loadStateDict: '${key}' is not a Tensor`);
      t.assertAlive(`${this.name}.loadStateDict('${key}')`);
      const list = slots.get(name) ?? [];
      list[slot] = t;
      slots.set(name, list);
    }
    for (const [name, list] of slots) {
      const gap = Array.from(list, (t, i) => (t ? -1 : i)).find((i) => i >= 0);
      if (gap !== undefined)
        throw new ArgumentError(`${this.name}.loadStateDict: '${name}.${gap}' is missing`);
    }
    this.reset();
    noGrad(() => {
      for (const [name, list] of slots)
        this.#state.set(
          name,
          list.map((t) => keep(reshape(t, t.shape))),
        );
    });
    this.#step = steps;
  }

  /** Free the state (momentum buffers, Adam moments) and restart the step count. */
  reset(): void {
    for (const s of this.#state.values()) for (const t of s) t.dispose();
    this.#state.clear();
    this.#step = 0;
  }

  dispose(): void {
    this.reset();
  }
}

export function checkHyper(
  op: string,
  arg: string,
  v: number,
  min: number,
  maxExclusive = Infinity,
): number {
  if (!Number.isFinite(v) || v < min || v >= maxExclusive) {
    const range = maxExclusive === Infinity ? `>= ${min}` : `in [${min}, ${maxExclusive})`;
    throw new ArgumentError(`${op}: '${arg}' must be a finite number ${range}, got ${v}`);
  }
  return v;
}
