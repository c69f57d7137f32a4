/** A CaseContext bound to one backend, with a seeded stream per case. */
import type { Backend } from '../../backend/backend.js';
import { allocArray, dtypeOfArray, type DType } from '../../dtype.js';
import type { TensorValues } from '../../ops/creation.js';
import { hostTensor } from '../../ops/helpers.js';
import { mulberry32 } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import type { CaseContext } from './types.js';

/** A stable 32-bit seed from a case name, so a case's inputs do not depend on case order. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class BoundContext implements CaseContext {
  readonly created: Tensor[] = [];
  readonly #rng: () => number;

  constructor(
    readonly backend: Backend,
    seed: number,
  ) {
    this.#rng = mulberry32(seed);
  }

  track<T extends Tensor>(t: T): T {
    this.created.push(t);
    return t;
  }

  #host(data: Float32Array | Int32Array, shape: readonly number[], dtype: DType): Tensor {
    return this.track(hostTensor(this.backend, data, shape, dtype));
  }

  rand(shape: readonly number[], min = -1, max = 1, quantum?: number): Tensor {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) {
      const v = min + (max - min) * this.#rng();
      data[i] = quantum ? Math.round(v / quantum) * quantum : v;
    }
    return this.#host(data, shape, 'float32');
  }

  randInt(shape: readonly number[], lo: number, hi: number): Tensor {
    const data = new Int32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = lo + Math.floor((hi - lo) * this.#rng());
    return this.#host(data, shape, 'int32');
  }

  tensor(values: TensorValues, shape?: readonly number[], dtype?: DType): Tensor {
    // Always on this context's backend (never the active one), nested arrays flattened here.
    const arrayDType = dtypeOfArray(values);
    const flat: ArrayLike<number> =
      typeof values === 'number'
        ? [values]
        : arrayDType
          ? (values as Float32Array)
          : ((values as unknown[]).flat(Infinity as 1) as number[]);
    const inferred: number[] = [];
    for (let v: unknown = values; Array.isArray(v); v = v[0]) inferred.push(v.length);
    const s = shape ?? (arrayDType ? [flat.length] : inferred);
    if (s.reduce((a, b) => a * b, 1) !== flat.length) {
      throw new Error(`CaseContext.tensor: ${flat.length} values do not fill [${s.join(', ')}]`);
    }
    const dt = dtype ?? arrayDType ?? 'float32';
    const data = allocArray(dt, flat.length);
    data.set(flat);
    return this.#host(data, s, dt);
  }

  disposeAll(): void {
    for (const t of this.created) t.dispose();
    this.created.length = 0;
  }
}
