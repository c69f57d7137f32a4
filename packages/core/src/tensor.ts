import type { DType, TypedArray } from './dtype.js';
import type { Backend } from './backend/backend.js';
import type { DataId, TensorInfo } from './backend/kernels.js';
import { ArgumentError, BackendError, DisposedTensorError, formatShape } from './errors.js';

/** Nested JS arrays as returned by `array()`: number for a scalar, number[][]... otherwise. */
export type NestedArray = number | NestedArray[];

let nextId = 0;

/**
 * A check on values computed on the device, reported when the result is read: `flag` is a
 * scalar the backend computes alongside the result, `describe` turns its value into an error
 * message (or undefined when all is well). Validating where the values live costs no host
 * round trip on the hot path.
 */
interface ReadCheck {
  readonly flag: Tensor;
  readonly describe: (flagValue: number) => string | undefined;
}

/**
 * An immutable handle on a backend buffer: shape, dtype and which backend holds the data.
 * Create tensors with ops (`tensor`, `zeros`, ...), never with `new`.
 */
export class Tensor implements TensorInfo {
  readonly id: number;
  readonly shape: readonly number[];
  readonly size: number;
  #disposed = false;
  readonly #release: (t: Tensor) => void;
  #readCheck: ReadCheck | undefined;
  #readCheckFailure: string | undefined;

  /** @internal */
  constructor(
    readonly dataId: DataId,
    shape: readonly number[],
    readonly dtype: DType,
    readonly backend: Backend,
    release: (t: Tensor) => void,
  ) {
    this.id = nextId++;
    this.shape = Object.freeze([...shape]);
    let size = 1;
    for (const d of shape) size *= d;
    this.size = size;
    this.#release = release;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Throws DisposedTensorError when the tensor was disposed; `op` names who asked. */
  assertAlive(op: string): void {
    if (this.#disposed) {
      throw new DisposedTensorError(
        `${op}: tensor #${this.id} (shape ${formatShape(this.shape)}, ${this.dtype}) was disposed ` +
          `(by dispose() or by leaving a tidy() scope); use keep() to hold it longer`,
      );
    }
  }

  /**
   * @internal Attach a device-side validation that must pass before these values are read.
   * The tensor owns `flag` (kept out of tidy scopes by the caller) and disposes it.
   */
  attachReadCheck(flag: Tensor, describe: ReadCheck['describe']): void {
    this.#readCheck?.flag.dispose();
    this.#readCheck = { flag, describe };
  }

  #settleReadCheck(flagValue: number): void {
    const check = this.#readCheck;
    if (!check) return;
    this.#readCheck = undefined;
    check.flag.dispose();
    this.#readCheckFailure = check.describe(flagValue);
  }

  #throwIfCheckFailed(): void {
    if (this.#readCheckFailure !== undefined) throw new ArgumentError(this.#readCheckFailure);
  }

  /** Copy the values to the host. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    const check = this.#readCheck;
    if (check) this.#settleReadCheck((await check.flag.backend.read(check.flag.dataId))[0]);
    this.#throwIfCheckFailed();
    return this.backend.read(this.dataId);
  }

  /** Synchronous copy to the host, where the backend supports it. */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    if (!this.backend.readSync) {
      throw new BackendError(
        `dataSync: backend '${this.backend.name}' cannot read synchronously` +
          (this.backend.readSyncUnsupportedReason
            ? ` (${this.backend.readSyncUnsupportedReason})`
            : '') +
          '; use `await t.data()` instead',
      );
    }
    const check = this.#readCheck;
    if (check) this.#settleReadCheck(check.flag.dataSync()[0]);
    this.#throwIfCheckFailed();
    return this.backend.readSync(this.dataId);
  }

  /** The values as nested arrays (a number for a scalar). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /** Release this handle; the buffer is freed when no other tensor views it. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#readCheck?.flag.dispose();
    this.#readCheck = undefined;
    this.#release(this);
  }

  toString(): string {
    return `Tensor(#${this.id}, shape ${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name}${this.#disposed ? ', disposed' : ''})`;
  }
}

function nest(values: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (offset: number, axis: number): NestedArray[] => {
    const n = shape[axis];
    const out: NestedArray[] = [];
    if (axis === shape.length - 1) {
      for (let i = 0; i < n; i++) out.push(values[offset + i]);
      return out;
    }
    let stride = 1;
    for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, axis + 1));
    return out;
  };
  return build(0, 0);
}
