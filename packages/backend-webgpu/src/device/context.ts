/**
 * One WebGPU device and everything the kernels share on it: the buffer pools, the pipeline
 * cache and the pending command batch, plus device loss and error reporting.
 *
 * Kernels are synchronous: each takes an output buffer from the pool, records its dispatch
 * into the pending batch and returns at once. `read()` submits the batch together with a copy
 * into a mappable buffer and resolves when `mapAsync` does.
 */
import { BackendError, allocArray, type DType, type TypedArray } from '@tessera/core';
import { BufferPool } from './buffer-pool.js';
import { CommandBatch } from './command-batch.js';
import { DATA_USAGE, MapMode, STAGING_USAGE } from './constants.js';
import { GPUData } from './data.js';
import { PipelineCache } from './pipeline-cache.js';
import type { Program } from './program.js';
import { isSoftwareAdapter } from './adapter.js';
import { defaultTuning, type Tuning } from './tuning.js';

export interface ContextOptions {
  /** Kernel tuning; defaults depend on the adapter (CPU adapters prefer other shapes). */
  readonly tuning?: Tuning;
  /** Submit after this many commands even when nothing is read. */
  readonly maxDispatchesPerBatch?: number;
  /** Called once when the device is lost for any reason other than `destroy()`. */
  readonly onLost?: (message: string) => void;
  /** Destroy the device in `destroy()` (false when the caller lent us its device). */
  readonly ownsDevice?: boolean;
}

export interface Dispatch {
  readonly program: Program;
  readonly inputs: readonly GPUData[];
  readonly outputs: readonly GPUData[];
  /** Packed parameter block (see params.ts), or undefined when the shader has none. */
  readonly params?: Uint8Array;
  readonly workgroups: readonly [number, number, number];
}

export interface ContextStats {
  readonly liveBytes: number;
  readonly liveBuffers: number;
  readonly pooledBytes: number;
  readonly stagingBytes: number;
  readonly pipelines: number;
  readonly submissions: number;
}

export class GpuContext {
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  readonly adapterDescription: string;
  /** The adapter runs shaders on the CPU (SwiftShader, llvmpipe, ...), however it was found. */
  readonly softwareAdapter: boolean;
  readonly tuning: Tuning;
  readonly #pool: BufferPool;
  readonly #staging: BufferPool;
  readonly #pipelines: PipelineCache;
  readonly #batch: CommandBatch;
  readonly #ownsDevice: boolean;
  #lost: string | undefined;
  #errors: string[] = [];
  #destroyed = false;

  constructor(
    device: GPUDevice,
    adapterDescription: string,
    options: ContextOptions = {},
    adapterInfo?: GPUAdapterInfo,
  ) {
    this.device = device;
    this.limits = device.limits;
    this.adapterDescription = adapterDescription;
    this.softwareAdapter = adapterInfo ? isSoftwareAdapter(adapterInfo) : false;
    this.tuning = options.tuning ?? defaultTuning(adapterInfo);
    this.#ownsDevice = options.ownsDevice ?? true;
    this.#pool = new BufferPool(device, DATA_USAGE);
    this.#staging = new BufferPool(device, STAGING_USAGE);
    this.#pipelines = new PipelineCache(device);
    this.#batch = new CommandBatch(device, options.maxDispatchesPerBatch ?? 64);

    // `lost` never rejects; the handler only records why the device went away.
    void device.lost.then((info) => {
      if (this.#destroyed) return;
      this.#lost = `${info.reason ?? 'unknown'}: ${info.message}`;
      options.onLost?.(this.#lost);
    });
    // Validation errors surface asynchronously; the next read reports them.
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      if (this.#errors.length < 8) this.#errors.push(error.message);
    });
  }

  // ---- storage ----

  /** A kernel output: pooled; may reuse a buffer released during the pending batch. */
  output(size: number, dtype: DType): GPUData {
    this.assertUsable('kernel');
    const buffer = this.#pool.acquire(this.#checkBytes(size), this.#batch.id, false);
    return new GPUData(buffer, size, dtype);
  }

  /** A buffer filled from the host. */
  write(values: TypedArray, dtype: DType): GPUData {
    this.assertUsable('write');
    const bytes = this.#checkBytes(values.length);
    // The queue runs writeBuffer before the pending batch: only buffers none of its commands
    // can touch may be overwritten now.
    const buffer = this.#pool.acquire(bytes, this.#batch.id, this.#batch.pending);
    if (values.length > 0) {
      this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.length * 4);
    }
    return new GPUData(buffer, values.length, dtype);
  }

  release(data: GPUData): void {
    if (data.released) throw new BackendError('webgpu: disposeData called twice on one buffer');
    data.released = true;
    if (this.#destroyed) return;
    this.#pool.release(data.buffer, this.#batch.id);
  }

  async read(data: GPUData): Promise<TypedArray> {
    this.assertUsable('read');
    const bytes = data.byteLength;
    if (bytes === 0) {
      this.#batch.flush();
      return allocArray(data.dtype, 0);
    }
    const staging = this.#staging.acquire(bytes, this.#batch.id, false);
    this.#batch.copy(data.buffer, 0, staging, 0, bytes);
    this.#batch.flush();
    let copy: ArrayBuffer;
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
      copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new BackendError(`webgpu: reading a buffer back failed: ${this.#lost ?? why}`);
    } finally {
      if (!this.#destroyed) this.#staging.release(staging, this.#batch.id);
    }
    this.#throwErrors();
    return data.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  // ---- commands ----

  /** Record one dispatch into the pending batch. */
  run(d: Dispatch): void {
    this.assertUsable(d.program.key);
    const [x, y, z] = d.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const buffers = [...d.inputs, ...d.outputs].map((data) => data.buffer);
    this.#batch.dispatch(this.#pipelines.get(d.program), buffers, d.params, d.workgroups);
  }

  /** Copy `bytes` between buffers (offsets in bytes), ordered with the pending dispatches. */
  copyRange(src: GPUData, srcOffset: number, dst: GPUData, dstOffset: number, bytes: number): void {
    this.assertUsable('copy');
    if (bytes > 0) this.#batch.copy(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
  }

  /** Submit the pending batch, if any. */
  flush(): void {
    this.#batch.flush();
  }

  /** Wait until the GPU has finished everything submitted so far (benchmarks). */
  async sync(): Promise<void> {
    this.#batch.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.#throwErrors();
  }

  // ---- bookkeeping ----

  get stats(): ContextStats {
    return {
      liveBytes: this.#pool.liveBytes,
      liveBuffers: this.#pool.liveCount,
      pooledBytes: this.#pool.pooledBytes,
      stagingBytes: this.#staging.pooledBytes,
      pipelines: this.#pipelines.size,
      submissions: this.#batch.submissions,
    };
  }

  trim(): void {
    if (this.#destroyed) return;
    // Buffers released in the pending batch may still be bound by its commands: submit first.
    this.#batch.flush();
    this.#pool.trim();
    this.#staging.trim();
  }

  get lostReason(): string | undefined {
    return this.#lost;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#batch.destroy();
    this.#pool.trim();
    this.#staging.trim();
    if (this.#ownsDevice) this.device.destroy();
  }

  assertUsable(what: string): void {
    if (this.#destroyed) {
      throw new BackendError(
        `webgpu: ${what}: the backend was destroyed; call setBackend('webgpu') again`,
      );
    }
    if (this.#lost !== undefined) {
      throw new BackendError(
        `webgpu: ${what}: the GPU device was lost (${this.#lost}); its tensors are gone. ` +
          "Re-initialise with removeBackendInstance('webgpu') then await setBackend('webgpu').",
      );
    }
  }

  #checkBytes(size: number): number {
    const bytes = size * 4;
    const limit = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
    if (bytes > limit) {
      throw new BackendError(
        `webgpu: a buffer of ${size} elements (${bytes} bytes) exceeds this device's ` +
          `storage binding limit of ${limit} bytes`,
      );
    }
    return bytes;
  }

  #throwErrors(): void {
    if (this.#errors.length === 0) return;
    const messages = this.#errors.join('\n');
    this.#errors = [];
    throw new BackendError(`webgpu: the device reported errors since the last read:\n${messages}`);
  }
}
