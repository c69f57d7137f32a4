/**
 * Module: the base of every layer and container.
 *
 * Tensors are immutable, so a module holds its parameters in named slots and training replaces
 * the tensor in a slot after each update (disposing the old one). Parameters are declared with
 * a shape and an initialiser and only allocated on first use, so a layer can be built just to
 * count its parameters (a 40,000 x 40,000 fully connected layer is 1.6 billion floats).
 */
import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  formatShape,
  keep,
  noGrad,
  reshape,
} from '@tessera/core';
import { mixSeed, type Fans, type Initializer } from './init.js';

/** A declared parameter: known shape, allocated lazily. */
export interface ParameterInfo {
  /** Full dotted name, e.g. 'conv1.weight'. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Number of elements (product of shape). */
  readonly size: number;
  /** The initialiser's name, e.g. 'heNormal'. */
  readonly init: string;
}

export interface ModuleOptions {
  /** Display name; containers assign one ('conv1', 'fc2', ...) when it is not given. */
  name?: string;
  /** Seed for this module's initialisers; undefined draws fresh random seeds. */
  seed?: number;
}

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected names (default true). */
  strict?: boolean;
}

interface ParameterSpec {
  readonly shape: readonly number[];
  readonly init: Initializer;
  readonly fans: Fans;
  readonly index: number;
}

/** One dimension of an expected shape in an error message: a number, or a name like 'N'. */
export type ShapePattern = readonly (number | string)[];

export function formatPattern(p: ShapePattern): string {
  return `[${p.join(', ')}]`;
}

function checkName(name: string): string {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ArgumentError(
      `Module: a name must be a non-empty string without '.', got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export abstract class Module {
  /** The layer type shown in summaries and errors, e.g. 'Conv2d'. */
  abstract readonly kind: string;
  /** Prefix for automatic names in containers, e.g. 'conv' gives conv1, conv2, ... */
  abstract readonly namePrefix: string;

  #name: string | undefined;
  #seed: number | undefined;
  #training = true;
  readonly #specs = new Map<string, ParameterSpec>();
  readonly #values = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  constructor(options: ModuleOptions = {}) {
    if (options.name !== undefined) this.#name = checkName(options.name);
    if (options.seed !== undefined) {
      if (!Number.isFinite(options.seed))
        throw new ArgumentError(`Module: 'seed' must be a finite number`);
      this.#seed = options.seed;
    }
  }

  get name(): string {
    return this.#name ?? this.namePrefix;
  }

  set name(value: string) {
    this.#name = checkName(value);
  }

  /** True when a name was given or assigned (containers leave such names alone). */
  get hasName(): boolean {
    return this.#name !== undefined;
  }

  /** `Conv2d 'conv1'`: how errors name this layer. */
  get label(): string {
    return `${this.kind} '${this.name}'`;
  }

  get training(): boolean {
    return this.#training;
  }

  /** Training mode (the default); layers such as dropout would behave differently in eval. */
  train(): this {
    this.#training = true;
    for (const c of this.#children.values()) c.train();
    return this;
  }

  eval(): this {
    this.#training = false;
    for (const c of this.#children.values()) c.eval();
    return this;
  }

  /** Compute the layer on a batch. */
  abstract forward(x: Tensor): Tensor;

  /**
   * The output shape for an input shape (batch included), validating it: a wrong shape throws a
   * ShapeError naming this layer, the expected shape and the one given. Allocates nothing.
   */
  abstract outputShape(inputShape: readonly number[]): number[];

  /** Multiply-adds of one forward pass for this input shape (0 for layers that do none). */
  multiplyAdds(inputShape: readonly number[]): number {
    void inputShape;
    return 0;
  }

  // ---- parameters ----

  /** Declare a parameter; nothing is allocated until it is first used. */
  protected declareParameter(
    name: string,
    shape: readonly number[],
    init: Initializer,
    fans: Fans,
  ): void {
    checkName(name);
    if (this.#specs.has(name))
      throw new ArgumentError(`${this.label}: parameter '${name}' declared twice`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d <= 0) {
        throw new ShapeError(
          `${this.label}: parameter '${name}' needs positive integer dims, got ${formatShape(shape)}`,
        );
      }
    }
    this.#specs.set(name, { shape: [...shape], init, fans, index: this.#specs.size });
  }

  /** The current value of a parameter, allocating it from its initialiser on first use. */
  protected param(name: string): Tensor {
    const value = this.#values.get(name);
    if (value) return value;
    const spec = this.#specs.get(name);
    if (!spec) throw new ArgumentError(`${this.label}: no parameter named '${name}'`);
    const seed = this.#seed === undefined ? undefined : mixSeed(this.#seed, spec.index);
    const t = keep(noGrad(() => spec.init.create(spec.shape, spec.fans, seed)));
    if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
      t.dispose();
      throw new ShapeError(
        `${this.label}: initialiser '${spec.init.name}' made ${formatShape(t.shape)} for '${name}', expected ${formatShape(spec.shape)}`,
      );
    }
    this.#values.set(name, t);
    return t;
  }

  /** True when the layer declares a parameter of that (local) name. */
  protected hasParameter(name: string): boolean {
    return this.#specs.has(name);
  }

  protected addModule<M extends Module>(name: string, module: M): M {
    checkName(name);
    if (this.#children.has(name))
      throw new ArgumentError(`${this.label}: a child named '${name}' already exists`);
    if (this.#specs.has(name))
      throw new ArgumentError(`${this.label}: '${name}' is already a parameter name`);
    this.#children.set(name, module);
    return module;
  }

  /** Direct children, in order. */
  children(): [string, Module][] {
    return [...this.#children];
  }

  /** Declared parameters (this module and all descendants) without allocating anything. */
  parameterInfo(prefix = ''): ParameterInfo[] {
    const out: ParameterInfo[] = [];
    for (const [name, spec] of this.#specs) {
      out.push({
        name: prefix + name,
        shape: spec.shape,
        size: spec.shape.reduce((a, b) => a * b, 1),
        init: spec.init.name,
      });
    }
    for (const [name, child] of this.#children)
      out.push(...child.parameterInfo(`${prefix}${name}.`));
    return out;
  }

  /** Total number of parameter elements, from declared shapes (allocates nothing). */
  numParameters(): number {
    return this.parameterInfo().reduce((s, p) => s + p.size, 0);
  }

  /** [full name, tensor] for every parameter, allocating those not yet initialised. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const name of this.#specs.keys()) out.push([prefix + name, this.param(name)]);
    for (const [name, child] of this.#children)
      out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** The module that owns a dotted parameter name, and the local name there. */
  #resolve(fullName: string): [Module, string] {
    const dot = fullName.indexOf('.');
    if (dot === -1) {
      if (!this.#specs.has(fullName))
        throw new ArgumentError(`${this.label}: no parameter named '${fullName}'`);
      return [this, fullName];
    }
    const child = this.#children.get(fullName.slice(0, dot));
    if (!child)
      throw new ArgumentError(`${this.label}: no child module for parameter '${fullName}'`);
    return child.#resolve(fullName.slice(dot + 1));
  }

  /**
   * Replace a parameter's tensor (an optimiser step). The module takes ownership of `value`
   * (it is kept out of tidy scopes) and disposes the tensor it replaces.
   */
  setParameter(fullName: string, value: Tensor): void {
    const [owner, local] = this.#resolve(fullName);
    const spec = owner.#specs.get(local) as ParameterSpec;
    if (!(value instanceof Tensor))
      throw new ArgumentError(`${owner.label}: '${local}' must be set to a Tensor`);
    value.assertAlive(`${owner.label}.setParameter('${local}')`);
    if (value.dtype !== 'float32') {
      throw new DTypeError(
        `${owner.label}: parameter '${local}' must be float32, got ${value.dtype}`,
      );
    }
    if (
      value.shape.length !== spec.shape.length ||
      value.shape.some((d, i) => d !== spec.shape[i])
    ) {
      throw new ShapeError(
        `${owner.label}: parameter '${local}' must be ${formatShape(spec.shape)}, got ${formatShape(value.shape)}`,
      );
    }
    const old = owner.#values.get(local);
    owner.#values.set(local, keep(value));
    if (old && old !== value) old.dispose();
  }

  /**
   * Every parameter by full name, as new handles on the same buffers (the caller owns and may
   * dispose them; the module's own tensors are unaffected).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    noGrad(() => {
      for (const [name, t] of this.namedParameters()) out[name] = reshape(t, t.shape);
    });
    return out;
  }

  /**
   * Copy parameters in by full name. Everything is validated before anything changes: names
   * (missing or unexpected, when strict), dtypes and shapes. The dict's tensors stay the caller's.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const infos = this.parameterInfo();
    const known = new Set(infos.map((p) => p.name));
    const problems: string[] = [];
    const has = (name: string) => Object.hasOwn(dict, name);
    const missing = infos.filter((p) => !has(p.name)).map((p) => p.name);
    const unexpected = Object.keys(dict).filter((k) => !known.has(k));
    if (strict && missing.length > 0)
      problems.push(`missing ${missing.map((n) => `'${n}'`).join(', ')}`);
    if (strict && unexpected.length > 0)
      problems.push(`unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}`);
    for (const p of infos) {
      const t = has(p.name) ? dict[p.name] : undefined;
      if (t === undefined) continue;
      if (!(t instanceof Tensor)) {
        problems.push(`'${p.name}' is not a Tensor`);
        continue;
      }
      t.assertAlive(`${this.label}.loadStateDict('${p.name}')`);
      if (t.dtype !== 'float32') problems.push(`'${p.name}' is ${t.dtype}, expected float32`);
      else if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
        problems.push(
          `'${p.name}' has shape ${formatShape(t.shape)}, expected ${formatShape(p.shape)}`,
        );
      }
    }
    if (problems.length > 0) {
      throw new ShapeError(`${this.label}.loadStateDict: ${problems.join('; ')}`);
    }
    noGrad(() => {
      for (const p of infos) {
        const t = has(p.name) ? dict[p.name] : undefined;
        if (t !== undefined) this.setParameter(p.name, reshape(t, t.shape));
      }
    });
  }

  /** Seed this module's initialisers and, mixed per child, every descendant's. */
  setSeed(seed: number): this {
    if (!Number.isFinite(seed))
      throw new ArgumentError(`${this.label}: 'seed' must be a finite number`);
    this.#seed = seed;
    let i = 0;
    for (const child of this.#children.values()) child.setSeed(mixSeed(seed, 0x10000 + i++));
    return this;
  }

  /** (Re)initialise every parameter now from `seed`: the same seed gives the same weights. */
  initialize(seed: number): this {
    this.setSeed(seed);
    this.#disposeValues();
    this.namedParameters();
    return this;
  }

  #disposeValues(): void {
    for (const t of this.#values.values()) t.dispose();
    this.#values.clear();
    for (const c of this.#children.values()) c.#disposeValues();
  }

  /** Free every parameter tensor; a later use re-initialises from the initialisers. */
  dispose(): void {
    this.#disposeValues();
  }

  // ---- input checks shared by layers ----

  /** Throw unless x is a live float32 tensor; returns its shape after `outputShape` validation. */
  protected checkInput(x: Tensor): number[] {
    if (!(x instanceof Tensor)) {
      throw new ArgumentError(
        `${this.label}: the input must be a Tensor, got ${x === null ? 'null' : typeof x}`,
      );
    }
    x.assertAlive(this.label);
    if (x.dtype !== 'float32')
      throw new DTypeError(`${this.label}: the input must be float32, got ${x.dtype}`);
    return this.outputShape(x.shape);
  }

  /** A ShapeError naming this layer, the expected shape and the one given. */
  protected shapeError(expected: ShapePattern, got: readonly number[], detail = ''): ShapeError {
    return new ShapeError(
      `${this.label}: expected input ${formatPattern(expected)}, got ${formatShape(got)}${detail ? ` (${detail})` : ''}`,
    );
  }

  toString(): string {
    return this.label;
  }
}

/** Layers that can apply a following ReLU in the same fused pass (bias + relu). */
export interface ReluFusable {
  forwardWithRelu(x: Tensor): Tensor;
}

export function canFuseRelu(m: Module): m is Module & ReluFusable {
  return typeof (m as Partial<ReluFusable>).forwardWithRelu === 'function';
}
