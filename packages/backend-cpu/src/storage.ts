/**
 * Buffers of the CPU backend: a Map from DataId to a typed array, plus a reuse pool.
 *
 * Why a pool: on the VMs this project runs on (and in browsers generally) the first touch of
 * freshly allocated memory costs far more than the arithmetic done on it, and a training step
 * allocates the same handful of sizes over and over. Disposed buffers are therefore kept, keyed
 * by dtype and exact length, and handed out again; the pool is bounded in bytes so a burst of
 * odd sizes cannot pin memory, and `trim()` empties it.
 */
import {
  BackendError,
  formatShape,
  type DType,
  type DataId,
  type TensorInfo,
  type TypedArray,
} from '@tessera/core';

/** The handle a kernel output gets. Only identity matters to core; the number helps debugging. */
export class CpuDataId {
  constructor(readonly id: number) {}
  toString(): string {
    return `cpu#${this.id}`;
  }
}

export interface StorageOptions {
  /** Most bytes kept in the reuse pool (default 128 MiB); 0 disables pooling. */
  readonly poolBytes?: number;
  /**
   * Fill buffers with NaN (float32) or -2^31 (int32) when they enter the pool, so a kernel
   * that forgets to write part of its output shows garbage in tests instead of stale values.
   */
  readonly poison?: boolean;
}

const DEFAULT_POOL_BYTES = 128 * 1024 * 1024;

type Pool<T extends TypedArray> = Map<number, T[]>;

export class CpuStorage {
  private readonly buffers = new Map<DataId, TypedArray>();
  private readonly poolF32: Pool<Float32Array> = new Map();
  private readonly poolI32: Pool<Int32Array> = new Map();
  private readonly maxPoolBytes: number;
  private readonly poison: boolean;
  private nextId = 1;
  private liveBytes = 0;
  private pooled = 0;

  constructor(
    readonly backendName: string,
    options: StorageOptions = {},
  ) {
    this.maxPoolBytes = Math.max(0, options.poolBytes ?? DEFAULT_POOL_BYTES);
    this.poison = options.poison ?? false;
  }

  // ---- allocation ----

  /** A float32 buffer of `size` elements whose contents are unspecified (maybe reused). */
  f32(size: number): Float32Array {
    const reused = this.take(this.poolF32, size);
    return reused ?? new Float32Array(size);
  }

  /** An int32 buffer of `size` elements whose contents are unspecified (maybe reused). */
  i32(size: number): Int32Array {
    const reused = this.take(this.poolI32, size);
    return reused ?? new Int32Array(size);
  }

  /** A buffer of `dtype` whose contents are unspecified: the caller writes every element. */
  alloc(dtype: DType, size: number): TypedArray {
    return dtype === 'int32' ? this.i32(size) : this.f32(size);
  }

  /** A zero-filled buffer (for kernels that accumulate into their output). */
  zeros(dtype: DType, size: number): TypedArray {
    const data = this.alloc(dtype, size);
    data.fill(0);
    return data;
  }

  /** A zero-filled float32 buffer. */
  zerosF32(size: number): Float32Array {
    const data = this.f32(size);
    data.fill(0);
    return data;
  }

  /** Make `data` a live buffer and return its new handle. `data` must not be shared. */
  register(data: TypedArray): DataId {
    const id = new CpuDataId(this.nextId++);
    this.buffers.set(id, data);
    this.liveBytes += data.byteLength;
    return id;
  }

  /** Return a buffer that was never registered (kernel scratch) to the pool. */
  recycle(data: TypedArray): void {
    this.give(data);
  }

  // ---- access ----

  /** The array behind a handle; a clear error when the handle is foreign or disposed. */
  get(dataId: DataId): TypedArray {
    const data = this.buffers.get(dataId);
    if (data === undefined) {
      throw new BackendError(
        `backend '${this.backendName}': DataId ${String(dataId)} is not a live buffer of this backend ` +
          `(disposed, or created by another backend)`,
      );
    }
    return data;
  }

  /** The values of a kernel input, checked against the shape core says it has. */
  values(info: TensorInfo): TypedArray {
    const data = this.get(info.dataId);
    let size = 1;
    for (const d of info.shape) size *= d;
    if (data.length !== size) {
      throw new BackendError(
        `backend '${this.backendName}': input claims shape ${formatShape(info.shape)} (${size} elements) ` +
          `but its buffer holds ${data.length}`,
      );
    }
    return data;
  }

  /**
   * A kernel input as float32. Float kernels (matmul, conv, softmax, ...) are only defined on
   * float32; an int32 input is widened into a scratch copy the caller must `recycle`.
   */
  valuesF32(info: TensorInfo): { data: Float32Array; scratch: boolean } {
    const data = this.values(info);
    if (data instanceof Float32Array) return { data, scratch: false };
    const copy = this.f32(data.length);
    copy.set(data);
    return { data: copy, scratch: true };
  }

  has(dataId: DataId): boolean {
    return this.buffers.has(dataId);
  }

  // ---- release ----

  /** Forget a handle and keep its array for reuse. Unknown handles are ignored. */
  dispose(dataId: DataId): void {
    const data = this.buffers.get(dataId);
    if (data === undefined) return;
    this.buffers.delete(dataId);
    this.liveBytes -= data.byteLength;
    this.give(data);
  }

  /** Drop every pooled array (the garbage collector returns the memory). */
  trim(): void {
    this.poolF32.clear();
    this.poolI32.clear();
    this.pooled = 0;
  }

  /** Drop everything, live buffers included. */
  clear(): void {
    this.buffers.clear();
    this.liveBytes = 0;
    this.trim();
  }

  get numBytes(): number {
    return this.liveBytes;
  }

  get numBuffers(): number {
    return this.buffers.size;
  }

  get pooledBytes(): number {
    return this.pooled;
  }

  // ---- pool internals ----

  private take<T extends TypedArray>(pool: Pool<T>, size: number): T | undefined {
    if (size === 0) return undefined;
    const list = pool.get(size);
    if (list === undefined) return undefined;
    const data = list.pop();
    if (data === undefined) return undefined;
    if (list.length === 0) pool.delete(size);
    this.pooled -= data.byteLength;
    return data;
  }

  private give(data: TypedArray): void {
    // Views into larger buffers are never pooled: handing one out again would alias memory.
    if (data.length === 0 || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength)
      return;
    if (this.pooled + data.byteLength > this.maxPoolBytes) return;
    if (this.poison) data.fill(data instanceof Float32Array ? NaN : -2147483648);
    if (data instanceof Float32Array) push(this.poolF32, data);
    else push(this.poolI32, data);
    this.pooled += data.byteLength;
  }
}

function push<T extends TypedArray>(pool: Pool<T>, data: T): void {
  const list = pool.get(data.length);
  if (list === undefined) pool.set(data.length, [data]);
  else list.push(data);
}
