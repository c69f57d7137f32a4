/**
 * The WebGPU backend: storage on one GPU device plus the kernel table. Everything device-level
 * (pools, pipelines, batching) lives in device/; every kernel family in kernels/.
 */
import type { Backend, BackendMemory, DataId, DType, KernelTable, TypedArray } from '@tessera/core';
import { ArgumentError, BackendError } from '@tessera/core';
import { findAdapter, type AdapterOptions } from './device/adapter.js';
import { GpuContext } from './device/context.js';
import { tileProblem, type Tuning } from './device/tuning.js';
import { GPUData } from './device/data.js';
import { kernelTable } from './kernels/index.js';

export interface WebGPUBackendOptions extends AdapterOptions {
  /** Run on this device instead of discovering one; it is not destroyed by `destroy()`. */
  readonly device?: GPUDevice;
  /** Submit after this many dispatches even when nothing is read (default 64). */
  readonly maxDispatchesPerBatch?: number;
  /** Kernel tuning (GEMM tile shape); the default suits the adapter. */
  readonly tuning?: Tuning;
  /** Where a device loss is reported (default `console.warn`). */
  readonly onDeviceLost?: (message: string) => void;
}

/** Limits worth raising to what the adapter offers; compatibility mode defaults are low. */
const LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly kernels: KernelTable;
  readonly readSyncUnsupportedReason =
    'a WebGPU buffer is copied back with an asynchronous mapAsync(), so reads must be awaited: ' +
    'use `await t.data()` or `await t.array()`';
  readonly ctx: GpuContext;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.kernels = kernelTable(ctx);
  }

  /** A software adapter (SwiftShader, llvmpipe): the default choice prefers real CPU backends. */
  get softwareEmulated(): boolean {
    return this.ctx.softwareAdapter;
  }

  /** The adapter this backend runs on, in one line. */
  get adapterDescription(): string {
    return this.ctx.adapterDescription;
  }

  write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
    return this.ctx.write(values, dtype);
  }

  read(dataId: DataId): Promise<TypedArray> {
    return this.ctx.read(own(dataId));
  }

  disposeData(dataId: DataId): void {
    this.ctx.release(own(dataId));
  }

  memory(): BackendMemory {
    const s = this.ctx.stats;
    return {
      numBytes: s.liveBytes,
      numBuffers: s.liveBuffers,
      pooledBytes: s.pooledBytes + s.stagingBytes,
    };
  }

  trim(): void {
    this.ctx.trim();
  }

  /** Submit pending work and wait for the GPU to finish it (for timing). */
  sync(): Promise<void> {
    return this.ctx.sync();
  }

  destroy(): void {
    this.ctx.destroy();
  }
}

function own(dataId: DataId): GPUData {
  if (!(dataId instanceof GPUData)) {
    throw new BackendError('webgpu: got a DataId that this backend did not create');
  }
  return dataId;
}

/** Find an adapter, open a device with the limits the kernels use, and build the backend. */
export async function createWebGPUBackend(
  options: WebGPUBackendOptions = {},
): Promise<WebGPUBackend> {
  const onLost =
    options.onDeviceLost ??
    ((message: string) =>
      console.warn(
        `tessera: WebGPU device lost (${message}). Re-initialise with removeBackendInstance('webgpu') ` +
          "and await setBackend('webgpu').",
      ));
  if (options.device) {
    checkTuning(options.tuning, options.device.limits);
    const ctx = new GpuContext(
      options.device,
      'caller-provided device',
      {
        ownsDevice: false,
        onLost,
        ...(options.tuning ? { tuning: options.tuning } : {}),
        ...(options.maxDispatchesPerBatch
          ? { maxDispatchesPerBatch: options.maxDispatchesPerBatch }
          : {}),
      },
      options.device.adapterInfo,
    );
    return new WebGPUBackend(ctx);
  }
  const found = await findAdapter(options);
  checkTuning(options.tuning, found.adapter.limits);
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) {
    const value = found.adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  let device: GPUDevice;
  try {
    device = await found.adapter.requestDevice({ requiredLimits });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BackendError(`webgpu: requestDevice() failed on ${found.description}: ${why}`);
  }
  const ctx = new GpuContext(
    device,
    found.description,
    {
      onLost,
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(options.maxDispatchesPerBatch
        ? { maxDispatchesPerBatch: options.maxDispatchesPerBatch }
        : {}),
    },
    found.adapter.info,
  );
  const backend = new WebGPUBackend(ctx);
  // Hold the instance that owns the adapter for as long as the backend lives.
  keepAlive.set(backend, found.gpu);
  return backend;
}

const keepAlive = new WeakMap<WebGPUBackend, GPU>();

/** Validate a caller's tuning against the limits the device has (or will be given). */
function checkTuning(tuning: Tuning | undefined, limits: GPUSupportedLimits): void {
  if (!tuning) return;
  const problem = tileProblem(tuning.gemmTile, limits.maxComputeInvocationsPerWorkgroup);
  if (problem) throw new ArgumentError(`createWebGPUBackend: 'tuning.gemmTile': ${problem}`);
}
