import type { DType, TypedArray } from '../dtype.js';
import type { DataId, KernelTable } from './kernels.js';

/** Storage a backend reports; core adds tensor counts on top. */
export interface BackendMemory {
  /** Bytes held by live (not yet disposed) buffers. */
  readonly numBytes: number;
  /** Live buffers. */
  readonly numBuffers: number;
  /** Bytes kept in a reuse pool (already disposed by core, not yet returned to the system). */
  readonly pooledBytes?: number;
}

/**
 * What a backend implements: storage plus a kernel table.
 * Core reference-counts DataIds and calls `disposeData` exactly once per buffer, when the last
 * tensor viewing it is disposed.
 */
export interface Backend {
  readonly name: string;
  /** Copy host values into a new buffer. `values.length` equals the product of `shape`. */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  /** Copy a buffer back to the host (a fresh array the caller may keep). */
  read(dataId: DataId): Promise<TypedArray>;
  /** Synchronous read, for backends that can; leave undefined where a read must be awaited. */
  readSync?(dataId: DataId): TypedArray;
  disposeData(dataId: DataId): void;
  memory(): BackendMemory;
  readonly kernels: KernelTable;
  /** Why `readSync` is missing, shown in the error `dataSync()` throws. */
  readonly readSyncUnsupportedReason?: string;
  /**
   * True when the device is a software emulation (WebGPU on SwiftShader or llvmpipe): correct,
   * but slower than a real CPU backend, so the default choice prefers any other backend that
   * works. `setBackend(name)` still selects it explicitly.
   */
  readonly softwareEmulated?: boolean;
  /** Release pooled memory (GPU buffer pools, native pools). */
  trim?(): void;
  /** Release the device; the backend is unusable afterwards. */
  destroy?(): void;
}

/** Creates a backend, or throws (any error) with the reason it is unavailable here. */
export type BackendFactory = () => Backend | Promise<Backend>;
