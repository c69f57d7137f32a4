/**
 * One WebGPU device and everything shared by the kernels that run on it: the buffer pools,
 * the pipeline cache and the pending command batch.
 *
 * Kernels are synchronous: each encodes its dispatch into a pending command encoder and
 * returns at once. The batch is submitted when a read needs its results, or when it holds
 * `maxDispatchesPerBatch` dispatches, so a training step costs a handful of submissions.
 * Parameters (sizes, strides) of every dispatch in a batch go to one uniform "arena" buffer,
 * uploaded with a single `writeBuffer` just before the batch is submitted; the queue runs
 * that write after the previous batch, so the arena can be reused batch after batch.
 */
import { BackendError, allocArray, type DType, type TypedArray } from '@tessera/core';
import { BufferPool } from './buffer-pool.js';
import { BufferUsage, DATA_USAGE, MapMode, STAGING_USAGE } from './constants.js';
import { GPUData } from './data.js';
import type { Program } from './program.js';
import { defaultTuning, type Tuning } from './tuning.js';

export interface ContextOptions {
  /** Kernel tuning; defaults depend on the adapter (CPU adapters prefer other shapes). */
  readonly tuning?: Tuning;
  /** Submit after this many dispatches even when nothing is read. */
  readonly maxDispatchesPerBatch?: number;
  /** Called once when the device is lost for any reason other than `destroy()`. */
  readonly onLost?: (message: string) => void;
  /** Destroy the device in `destroy()` (false when the caller lent us its device). */
  readonly ownsDevice?: boolean;
}

interface Cached {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export interface Dispatch {
  readonly program: Program;
  readonly inputs: readonly GPUData[];
  readonly outputs: readonly GPUData[];
  /** Packed parameter block (see params.ts), or undefined when the shader has none. */
  readonly params?: Uint8Array;
  readonly workgroups: readonly [number, number, number];
}

export class GpuContext {
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  readonly adapterDescription: string;
  readonly tuning: Tuning;
  readonly #pool: BufferPool;
  readonly #staging: BufferPool;
  readonly #pipelines = new Map<string, Cached>();
  readonly #maxDispatches: number;
  readonly #ownsDevice: boolean;

  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  #dispatches = 0;
  /** Id of the batch being recorded; increments at each submission. */
  #batch = 1;

  readonly #slot: number;
  readonly #arena: GPUBuffer;
  readonly #arenaBytes: Uint8Array;
  #arenaUsed = 0;

  #lost: string | undefined;
  #errors: string[] = [];
  #destroyed = false;
  #pipelinesCompiled = 0;
  #submissions = 0;

  constructor(
    device: GPUDevice,
    adapterDescription: string,
    options: ContextOptions = {},
    adapterInfo?: GPUAdapterInfo,
  ) {
    this.device = device;
    this.limits = device.limits;
    this.adapterDescription = adapterDescription;
    this.tuning = options.tuning ?? defaultTuning(adapterInfo);
    this.#ownsDevice = options.ownsDevice ?? true;
    this.#maxDispatches = options.maxDispatchesPerBatch ?? 64;
    this.#pool = new BufferPool(device, DATA_USAGE);
    this.#staging = new BufferPool(device, STAGING_USAGE);
    this.#slot = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    const arenaSize = this.#slot * this.#maxDispatches;
    this.#arena = device.createBuffer({
      size: arenaSize,
      usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    });
    this.#arenaBytes = new Uint8Array(arenaSize);

    device.lost.then((info) => {
      if (this.#destroyed) return;
      this.#lost = `${info.reason ?? 'unknown'}: ${info.message}`;
      options.onLost?.(this.#lost);
    });
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      if (this.#errors.length < 8) this.#errors.push(error.message);
    });
  }

  // ---- storage ----

  /** A kernel output: pooled, may reuse a buffer released during the pending batch. */
  output(size: number, dtype: DType): GPUData {
    this.assertUsable('kernel');
    return new GPUData(this.#pool.acquire(this.#checkBytes(size), this.#batch, false), size, dtype);
  }

  /** A buffer filled from the host. */
  write(values: TypedArray, dtype: DType): GPUData {
    this.assertUsable('write');
    const bytes = this.#checkBytes(values.length);
    // Only buffers no pending command touches may be overwritten by the queue right now.
    const buffer = this.#pool.acquire(bytes, this.#batch, this.#encoder !== undefined);
    if (values.length > 0) {
      this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.length * 4);
    }
    return new GPUData(buffer, values.length, dtype);
  }

  release(data: GPUData): void {
    if (data.released) throw new BackendError('webgpu: disposeData called twice on one buffer');
    data.released = true;
    if (this.#destroyed) return;
    this.#pool.release(data.buffer, this.#batch);
  }

  async read(data: GPUData): Promise<TypedArray> {
    this.assertUsable('read');
    const bytes = data.byteLength;
    if (bytes === 0) {
      this.flush();
      return allocArray(data.dtype, 0);
    }
    const staging = this.#staging.acquire(bytes, this.#batch, false);
    this.#endPass();
    this.#encoderNow().copyBufferToBuffer(data.buffer, 0, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new BackendError(`webgpu: reading a buffer back failed: ${this.#lost ?? why}`);
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.#staging.release(staging, this.#batch);
    this.#throwErrors();
    return data.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  // ---- commands ----

  /** Encode one dispatch into the pending batch. */
  run(d: Dispatch): void {
    this.assertUsable(d.program.key);
    const [x, y, z] = d.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const { pipeline, layout } = this.#pipeline(d.program);
    if (d.params && this.#arenaUsed + this.#slot > this.#arenaBytes.length) this.flush();
    const entries: GPUBindGroupEntry[] = [];
    let binding = 0;
    for (const data of d.inputs)
      entries.push({ binding: binding++, resource: { buffer: data.buffer } });
    for (const data of d.outputs)
      entries.push({ binding: binding++, resource: { buffer: data.buffer } });
    if (d.params) {
      this.#arenaBytes.set(d.params, this.#arenaUsed);
      entries.push({
        binding,
        resource: { buffer: this.#arena, offset: this.#arenaUsed, size: d.params.byteLength },
      });
      this.#arenaUsed += this.#slot;
    }
    const group = this.device.createBindGroup({ layout, entries });
    if (!this.#pass) this.#pass = this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(x, y, z);
    this.#dispatches++;
    if (this.#dispatches >= this.#maxDispatches) this.flush();
  }

  /** Copy `bytes` between buffers (offsets in bytes), ordered with the pending dispatches. */
  copyRange(src: GPUData, srcOffset: number, dst: GPUData, dstOffset: number, bytes: number): void {
    this.assertUsable('copy');
    if (bytes === 0) return;
    this.#endPass();
    this.#encoderNow().copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
    this.#dispatches++;
  }

  /** Submit the pending batch, if any. */
  flush(): void {
    if (!this.#encoder) return;
    this.#endPass();
    if (this.#arenaUsed > 0) {
      this.device.queue.writeBuffer(this.#arena, 0, this.#arenaBytes.buffer, 0, this.#arenaUsed);
    }
    this.device.queue.submit([this.#encoder.finish()]);
    this.#encoder = undefined;
    this.#dispatches = 0;
    this.#arenaUsed = 0;
    this.#batch++;
    this.#submissions++;
  }

  /** Wait until the GPU has finished everything submitted so far (benchmarks). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.#throwErrors();
  }

  // ---- bookkeeping ----

  get stats(): {
    liveBytes: number;
    liveBuffers: number;
    pooledBytes: number;
    stagingBytes: number;
    pipelines: number;
    submissions: number;
  } {
    return {
      liveBytes: this.#pool.liveBytes,
      liveBuffers: this.#pool.liveCount,
      pooledBytes: this.#pool.pooledBytes,
      stagingBytes: this.#staging.pooledBytes,
      pipelines: this.#pipelinesCompiled,
      submissions: this.#submissions,
    };
  }

  trim(): void {
    if (this.#destroyed) return;
    // Buffers released in the pending batch may still be bound by its commands: submit first.
    this.flush();
    this.#pool.trim();
    this.#staging.trim();
  }

  get lostReason(): string | undefined {
    return this.#lost;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#encoder = undefined;
    this.#pass = undefined;
    this.#pool.trim();
    this.#staging.trim();
    this.#arena.destroy();
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

  #encoderNow(): GPUCommandEncoder {
    if (!this.#encoder) this.#encoder = this.device.createCommandEncoder();
    return this.#encoder;
  }

  #endPass(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = undefined;
    }
  }

  #pipeline(program: Program): Cached {
    let cached = this.#pipelines.get(program.key);
    if (!cached) {
      const module = this.device.createShaderModule({ label: program.key, code: program.source() });
      const pipeline = this.device.createComputePipeline({
        label: program.key,
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.#pipelines.set(program.key, cached);
      this.#pipelinesCompiled++;
    }
    return cached;
  }

  #throwErrors(): void {
    if (this.#errors.length === 0) return;
    const messages = this.#errors.join('\n');
    this.#errors = [];
    throw new BackendError(`webgpu: the device reported errors since the last read:\n${messages}`);
  }
}
