/**
 * The native backend: storage and lifecycle over the addon; the kernel table is in kernels.ts.
 *
 * Kernels return at once and the addon computes their outputs in order on its worker thread, so
 * the event loop stays free during long GEMMs and convolutions. `read` resolves when the queue has
 * passed the buffer's producer; `readSync` waits for it. All addon errors become TesseraErrors.
 */
import { availableParallelism } from 'node:os';
import {
  BackendError,
  type Backend,
  type BackendMemory,
  type DataId,
  type DType,
  type KernelTable,
  type TypedArray,
} from '@tessera/core';
import type { BufferId, NativeAddon, NativeMemory } from './addon-types.js';
import { guard, guardAsync } from './errors.js';
import { createKernels } from './kernels.js';
import { loadAddon } from './loader.js';

/** A DataId of this backend: the addon's buffer id plus the backend that owns it. */
export class NativeData {
  constructor(
    readonly id: BufferId,
    readonly owner: NativeBackend,
  ) {}
}

export interface NativeBackendOptions {
  /** Threads for BLAS and the addon's loops. Default: TESSERA_NUM_THREADS, else all cores. */
  numThreads?: number;
  /** Registry name (default 'native'). */
  name?: string;
}

/** TESSERA_NUM_THREADS, or every core the process may use. */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TESSERA_NUM_THREADS;
  if (raw === undefined || raw.trim() === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new BackendError(`TESSERA_NUM_THREADS must be an integer from 1 to 1024, got '${raw}'`);
  }
  return n;
}

export class NativeBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  readonly numThreads: number;
  readonly addon: NativeAddon;
  readonly #live = new Set<NativeData>();
  #destroyed = false;

  constructor(addon: NativeAddon, numThreads: number, name = 'native') {
    this.addon = addon;
    this.name = name;
    this.numThreads = numThreads;
    guard(() => addon.setNumThreads(numThreads));
    this.kernels = createKernels(
      addon,
      (d, op, arg) => this.idOf(d, op, arg),
      (id) => this.wrap(id),
    );
  }

  /** The addon id behind a DataId of this backend (a BackendError for anything else). */
  idOf(dataId: DataId, op: string, arg: string): BufferId {
    if (this.#destroyed)
      throw new BackendError(`${op}: the native backend '${this.name}' was destroyed`);
    if (!(dataId instanceof NativeData) || dataId.owner !== this) {
      throw new BackendError(
        `${op}: '${arg}' is not a buffer of the native backend '${this.name}'`,
      );
    }
    return dataId.id;
  }

  wrap(id: BufferId): NativeData {
    const d = new NativeData(id, this);
    this.#live.add(d);
    return d;
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (this.#destroyed)
      throw new BackendError(`write: the native backend '${this.name}' was destroyed`);
    return this.wrap(guard(() => this.addon.write(values, shape, dtype)));
  }

  read(dataId: DataId): Promise<TypedArray> {
    const id = this.idOf(dataId, 'read', 'dataId');
    return guardAsync(() => this.addon.read(id));
  }

  readSync(dataId: DataId): TypedArray {
    const id = this.idOf(dataId, 'readSync', 'dataId');
    return guard(() => this.addon.readSync(id));
  }

  disposeData(dataId: DataId): void {
    const id = this.idOf(dataId, 'disposeData', 'dataId');
    guard(() => this.addon.dispose(id));
    this.#live.delete(dataId as NativeData);
  }

  /** Exact bytes and buffers the addon holds for this thread (shared by every NativeBackend in it). */
  memory(): BackendMemory & NativeMemory {
    return this.addon.memory();
  }

  /** Resolves when every kernel queued so far has run (for benchmarks; reads wait by themselves). */
  whenIdle(): Promise<void> {
    return guardAsync(() => this.addon.whenIdle());
  }

  trim(): void {
    guard(() => this.addon.trim());
  }

  /** Frees every buffer this backend still holds; it is unusable afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    for (const d of this.#live) guard(() => this.addon.dispose(d.id));
    this.#live.clear();
    this.#destroyed = true;
    this.addon.trim();
  }
}

/** Load the addon and make a backend; throws BackendError saying what is missing. */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  const addon = loadAddon();
  return new NativeBackend(addon, options.numThreads ?? threadsFromEnv(), options.name);
}
