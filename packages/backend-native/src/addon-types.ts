/**
 * The functions the compiled addon exports (native/addon.cc and native/ops_*.cc). Buffers are
 * named by integer ids; kernels return the id of their output at once and compute it in order
 * on the addon's worker thread. Every function validates its arguments and throws an Error whose
 * `code` is one of NativeErrorCode (see errors.ts) - never crashes the process.
 */
import type { BinaryOp, DType, ReduceOp, UnaryOp } from '@tessera/core';

export type BufferId = number;

/** ConvGeometry's 17 fields in order: batch, inChannels, inH, inW, outChannels, kH, kW,
 * strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, outH, outW. */
export type GeometryArray = readonly number[];

export interface NativeMemory {
  /** Bytes of live (not disposed) buffers. */
  numBytes: number;
  numBuffers: number;
  /** Idle blocks kept for reuse. */
  pooledBytes: number;
  /** Disposed buffers still read by queued commands. */
  pendingBytes: number;
  /** Per-thread convolution panels. */
  scratchBytes: number;
}

export interface NativeAddon {
  write(values: Float32Array | Int32Array, shape: readonly number[], dtype: DType): BufferId;
  read(id: BufferId): Promise<Float32Array | Int32Array>;
  readSync(id: BufferId): Float32Array | Int32Array;
  dispose(id: BufferId): void;
  memory(): NativeMemory;
  trim(): void;
  whenIdle(): Promise<void>;
  waitIdle(): void;
  setNumThreads(n: number): void;
  setMemoryLimit(bytes: number): void;
  info(): { blas: string; numThreads: number; napiVersion: number };

  unary(op: UnaryOp, x: BufferId): BufferId;
  binary(
    op: BinaryOp,
    a: BufferId,
    aShape: readonly number[],
    b: BufferId,
    bShape: readonly number[],
    outShape: readonly number[],
  ): BufferId;
  where(
    cond: BufferId,
    condShape: readonly number[],
    a: BufferId,
    aShape: readonly number[],
    b: BufferId,
    bShape: readonly number[],
    outShape: readonly number[],
  ): BufferId;
  cast(x: BufferId, dtype: DType): BufferId;
  fill(shape: readonly number[], value: number, dtype: DType): BufferId;
  biasAdd(
    x: BufferId,
    bias: BufferId,
    outer: number,
    channels: number,
    inner: number,
    relu: boolean,
  ): BufferId;
  reduce(op: ReduceOp, x: BufferId, outer: number, size: number, inner: number): BufferId;
  softmax(x: BufferId, outer: number, size: number): BufferId;
  logSoftmax(x: BufferId, outer: number, size: number): BufferId;
  softmaxCrossEntropy(logits: BufferId, labels: BufferId, n: number, k: number): BufferId;
  softmaxCrossEntropyGrad(
    logits: BufferId,
    labels: BufferId,
    dy: BufferId,
    n: number,
    k: number,
  ): BufferId;
  transpose(x: BufferId, shape: readonly number[], perm: readonly number[]): BufferId;
  slice(
    x: BufferId,
    shape: readonly number[],
    begin: readonly number[],
    size: readonly number[],
  ): BufferId;
  pad(x: BufferId, shape: readonly number[], paddings: readonly number[], value: number): BufferId;
  concat(
    xs: readonly BufferId[],
    shapes: readonly (readonly number[])[],
    axis: number,
    outShape: readonly number[],
  ): BufferId;
  matmul(
    a: BufferId,
    b: BufferId,
    transposeA: boolean,
    transposeB: boolean,
    batch: number,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
  ): BufferId;
  conv2d(x: BufferId, w: BufferId, geom: GeometryArray): BufferId;
  conv2dBackpropInput(dy: BufferId, w: BufferId, geom: GeometryArray): BufferId;
  conv2dBackpropFilter(x: BufferId, dy: BufferId, geom: GeometryArray): BufferId;
  im2col(x: BufferId, geom: GeometryArray): BufferId;
  col2im(cols: BufferId, geom: GeometryArray): BufferId;
  maxPool(x: BufferId, geom: GeometryArray): BufferId;
  maxPoolBackward(x: BufferId, dy: BufferId, geom: GeometryArray): BufferId;
  avgPool(x: BufferId, geom: GeometryArray): BufferId;
  avgPoolBackward(dy: BufferId, geom: GeometryArray): BufferId;
}
