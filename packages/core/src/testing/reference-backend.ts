/**
 * The reference backend: float64 storage, the required kernels as plain loops, and (with
 * `fused: true`) direct-loop versions of the optional kernels.
 *
 * It is the oracle of the conformance suite and gradcheck, and the smallest complete example
 * of a backend: without `fused` it implements ONLY the required kernels and gets every other op
 * through core's composite fallbacks.
 */
import type { Backend, BackendMemory } from '../backend/backend.js';
import type { DataId, KernelTable } from '../backend/kernels.js';
import { registerBackend } from '../backend/registry.js';
import type { DType, TypedArray } from '../dtype.js';
import { makeTensor } from '../engine.js';
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fusedKernels } from './reference-fused.js';
import { requiredKernels } from './reference-kernels.js';
import { RefStore, sizeOfShape } from './reference-store.js';

export interface ReferenceOptions {
  /** Also implement every optional kernel with a direct loop (default false). */
  fused?: boolean;
  /** Backend name (default 'reference', or 'reference-fused' with `fused`). */
  name?: string;
}

export class ReferenceBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  readonly fused: boolean;
  readonly #store: RefStore;

  constructor(options: ReferenceOptions = {}) {
    this.fused = options.fused ?? false;
    this.name = options.name ?? (this.fused ? 'reference-fused' : 'reference');
    this.#store = new RefStore(this.name);
    const required = requiredKernels(this.#store);
    this.kernels = this.fused ? { ...required, ...fusedKernels(this.#store) } : required;
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const buf = this.#store.alloc(dtype, sizeOfShape(shape));
    buf.values.set(values);
    return buf;
  }

  /** Like write, but keeps float64 precision (gradcheck perturbs inputs by tiny steps). */
  writeFloat64(values: ArrayLike<number>, shape: readonly number[]): DataId {
    const buf = this.#store.alloc('float32', sizeOfShape(shape));
    buf.values.set(values);
    return buf;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const buf = this.#store.buffer(dataId);
    return buf.dtype === 'int32' ? Int32Array.from(buf.values) : Float32Array.from(buf.values);
  }

  /** The stored values at full precision (float64 for float32 tensors, exact for int32). */
  readFloat64(dataId: DataId): Float64Array {
    return Float64Array.from(this.#store.buffer(dataId).values);
  }

  disposeData(dataId: DataId): void {
    this.#store.dispose(dataId);
  }

  memory(): BackendMemory {
    return { numBytes: this.#store.numBytes(), numBuffers: this.#store.live.size };
  }
}

export function createReferenceBackend(options: ReferenceOptions = {}): ReferenceBackend {
  return new ReferenceBackend(options);
}

export function isReferenceBackend(backend: Backend): backend is ReferenceBackend {
  return backend instanceof ReferenceBackend;
}

/**
 * Register the reference backend with the registry (priority 0, below every real backend),
 * so `await setBackend('reference')` works.
 */
export function registerReferenceBackend(
  options: ReferenceOptions & { priority?: number } = {},
): void {
  const name = options.name ?? (options.fused ? 'reference-fused' : 'reference');
  registerBackend(name, () => createReferenceBackend({ ...options, name }), {
    priority: options.priority ?? 0,
  });
}

/** A tensor's values at full precision: float64 on the reference backend, else a float copy. */
export function readFloat64(tensor: Tensor): Float64Array {
  tensor.assertAlive('readFloat64');
  if (isReferenceBackend(tensor.backend)) return tensor.backend.readFloat64(tensor.dataId);
  if (!tensor.backend.readSync) {
    throw new ArgumentError(
      `readFloat64: backend '${tensor.backend.name}' cannot read synchronously; use \`await t.data()\``,
    );
  }
  return Float64Array.from(tensor.backend.readSync(tensor.dataId));
}

/** A float32 tensor on a reference backend holding float64 `values` exactly. */
export function tensorFloat64(
  backend: ReferenceBackend,
  values: ArrayLike<number>,
  shape: readonly number[],
): Tensor {
  if (values.length !== sizeOfShape(shape)) {
    throw new ShapeError(
      `tensorFloat64: ${values.length} values do not fill shape ${formatShape(shape)}`,
    );
  }
  return makeTensor(backend.writeFloat64(values, shape), shape, 'float32', backend);
}
