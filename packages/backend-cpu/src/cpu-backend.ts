/**
 * The CPU backend: storage (a Map of typed arrays with a reuse pool) plus every kernel of the
 * contract, required and optional, in pure TypeScript. Kernels live in ./kernels, one file per
 * op family; each takes the storage and core's argument object.
 */
import {
  BackendError,
  formatShape,
  type Backend,
  type BackendMemory,
  type DataId,
  type DType,
  type KernelTable,
  type TypedArray,
} from '@tessera/core';
import { acquireThreads, releaseThreads, type ThreadStatus } from './gemm/parallel.js';
import { CpuStorage, type StorageOptions } from './storage.js';
import { biasAdd } from './kernels/bias.js';
import { binary } from './kernels/binary.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv.js';
import { col2im, im2col } from './kernels/im2col.js';
import { matMul } from './kernels/matmul.js';
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from './kernels/pool.js';
import { reduce } from './kernels/reduce.js';
import {
  logSoftmax,
  softmax,
  softmaxCrossEntropy,
  softmaxCrossEntropyGrad,
} from './kernels/softmax.js';
import { cast, concat, fill, pad, slice, transpose } from './kernels/transform.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';

export interface CpuBackendOptions extends StorageOptions {
  /**
   * Threads for large matrix products (default 1). Above 1, Node worker threads share the
   * work through SharedArrayBuffer; where that is unavailable the backend stays
   * single-threaded and `threads.reason` says why.
   */
  readonly threads?: number;
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly kernels: KernelTable;
  /** The buffers; exposed for tests and tools that want to inspect the pool. */
  readonly storage: CpuStorage;
  /** How many threads large GEMMs use, and why fewer than requested when so. */
  readonly threads: ThreadStatus;
  private holdsThreads: boolean;

  constructor(options: CpuBackendOptions = {}) {
    const s = new CpuStorage(this.name, options);
    this.storage = s;
    this.threads = acquireThreads(options.threads ?? 1);
    this.holdsThreads = this.threads.active > 1;
    this.kernels = {
      Unary: (args) => unary(s, args),
      Binary: (args) => binary(s, args),
      Where: (args) => where(s, args),
      Reduce: (args) => reduce(s, args),
      MatMul: (args) => matMul(s, args),
      Transpose: (args) => transpose(s, args),
      Slice: (args) => slice(s, args),
      Pad: (args) => pad(s, args),
      Cast: (args) => cast(s, args),
      Fill: (args) => fill(s, args),
      Im2Col: (args) => im2col(s, args),
      Col2Im: (args) => col2im(s, args),
      Conv2D: (args) => conv2d(s, args),
      Conv2DBackpropInput: (args) => conv2dBackpropInput(s, args),
      Conv2DBackpropFilter: (args) => conv2dBackpropFilter(s, args),
      BiasAdd: (args) => biasAdd(s, args),
      Softmax: (args) => softmax(s, args),
      LogSoftmax: (args) => logSoftmax(s, args),
      SoftmaxCrossEntropy: (args) => softmaxCrossEntropy(s, args),
      SoftmaxCrossEntropyGrad: (args) => softmaxCrossEntropyGrad(s, args),
      MaxPool: (args) => maxPool(s, args),
      MaxPoolBackward: (args) => maxPoolBackward(s, args),
      AvgPool: (args) => avgPool(s, args),
      AvgPoolBackward: (args) => avgPoolBackward(s, args),
      Concat: (args) => concat(s, args),
    };
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    let size = 1;
    for (const d of shape) size *= d;
    if (values.length !== size) {
      throw new BackendError(
        `cpu write: ${values.length} values do not fill shape ${formatShape(shape)} (${size} elements)`,
      );
    }
    const data = this.storage.alloc(dtype, size);
    // `set` converts when the host array's type differs from dtype (float -> int32 truncates).
    data.set(values);
    return this.storage.register(data);
  }

  read(dataId: DataId): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(dataId));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A copy: the caller may keep or mutate it, and the buffer may be reused after dispose. */
  readSync(dataId: DataId): TypedArray {
    return this.storage.get(dataId).slice();
  }

  disposeData(dataId: DataId): void {
    this.storage.dispose(dataId);
  }

  memory(): BackendMemory {
    const s = this.storage;
    return { numBytes: s.numBytes, numBuffers: s.numBuffers, pooledBytes: s.pooledBytes };
  }

  /** Empty the reuse pool. */
  trim(): void {
    this.storage.trim();
  }

  destroy(): void {
    this.storage.clear();
    if (this.holdsThreads) {
      this.holdsThreads = false;
      releaseThreads();
    }
  }
}

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
