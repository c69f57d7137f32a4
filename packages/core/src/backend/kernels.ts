/**
 * The kernel contract between core and a backend.
 *
 * Core does all shape inference and validation, then calls a kernel with plain, already-checked
 * arguments. A kernel reads its inputs' storage and returns the DataId of a fresh output buffer
 * that the backend owns. Kernels never see Tensors, never record gradients and never validate
 * user input: by the time a kernel runs, the arguments are known to be consistent.
 *
 * REQUIRED kernels are the small primitive set every backend implements. OPTIONAL kernels are
 * fused fast paths; when a backend leaves one out, core runs a composite built from the
 * primitives (see `ops/fallbacks`), so a new backend is correct before it is fast.
 */
import type { DType } from '../dtype.js';

/** Opaque handle to a backend-owned buffer. Core only stores and compares it. */
export type DataId = object;

/** What a kernel knows about an input: its buffer, logical shape (row-major, contiguous) and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'square'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  /** 1 where x > 0, else 0: the derivative of relu. */
  | 'step';

/** `greater` and `equal` return float32 0/1 whatever the input dtype; the others keep the dtype. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'greater' | 'equal';

/** `argmax` returns int32 indices (first maximum wins); the others keep the dtype. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax';

/**
 * Geometry of a 2-D sliding window over NCHW input, shared by conv, im2col/col2im and pooling.
 * Padding may be asymmetric ('same' with an even kernel pads more at the bottom/right, as TF does).
 * For pooling, inChannels === outChannels and dilation is 1.
 */
export interface ConvGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

// ---- kernel names, as typed constants (the keys of a backend's kernel table) ----

export const Unary = 'Unary';
export const Binary = 'Binary';
export const Where = 'Where';
export const Reduce = 'Reduce';
export const MatMul = 'MatMul';
export const Transpose = 'Transpose';
export const Slice = 'Slice';
export const Pad = 'Pad';
export const Cast = 'Cast';
export const Fill = 'Fill';
export const Im2Col = 'Im2Col';
export const Col2Im = 'Col2Im';

export const Conv2D = 'Conv2D';
export const Conv2DBackpropInput = 'Conv2DBackpropInput';
export const Conv2DBackpropFilter = 'Conv2DBackpropFilter';
export const BiasAdd = 'BiasAdd';
export const Softmax = 'Softmax';
export const LogSoftmax = 'LogSoftmax';
export const SoftmaxCrossEntropy = 'SoftmaxCrossEntropy';
export const SoftmaxCrossEntropyGrad = 'SoftmaxCrossEntropyGrad';
export const MaxPool = 'MaxPool';
export const MaxPoolBackward = 'MaxPoolBackward';
export const AvgPool = 'AvgPool';
export const AvgPoolBackward = 'AvgPoolBackward';
export const Concat = 'Concat';

export const REQUIRED_KERNELS = [
  Unary,
  Binary,
  Where,
  Reduce,
  MatMul,
  Transpose,
  Slice,
  Pad,
  Cast,
  Fill,
  Im2Col,
  Col2Im,
] as const;

export const OPTIONAL_KERNELS = [
  Conv2D,
  Conv2DBackpropInput,
  Conv2DBackpropFilter,
  BiasAdd,
  Softmax,
  LogSoftmax,
  SoftmaxCrossEntropy,
  SoftmaxCrossEntropyGrad,
  MaxPool,
  MaxPoolBackward,
  AvgPool,
  AvgPoolBackward,
  Concat,
] as const;

export type RequiredKernelName = (typeof REQUIRED_KERNELS)[number];
export type OptionalKernelName = (typeof OPTIONAL_KERNELS)[number];
export type KernelName = RequiredKernelName | OptionalKernelName;

/** Argument object and meaning of every kernel. Every kernel returns the output's DataId. */
export interface KernelSignatures {
  /** Elementwise `op(x)`; output has x's shape and dtype. */
  Unary(args: { op: UnaryOp; x: TensorInfo }): DataId;
  /** Elementwise `op(a, b)` with NumPy broadcasting of a and b to `outShape`. */
  Binary(args: { op: BinaryOp; a: TensorInfo; b: TensorInfo; outShape: readonly number[] }): DataId;
  /** `cond != 0 ? a : b`, all three broadcast to `outShape`; output dtype is a's. */
  Where(args: {
    cond: TensorInfo;
    a: TensorInfo;
    b: TensorInfo;
    outShape: readonly number[];
  }): DataId;
  /**
   * Reduce the middle axis of x viewed as [outer, size, inner]; output is [outer, inner].
   * `size` is at least 1 (core handles empty reductions).
   */
  Reduce(args: { op: ReduceOp; x: TensorInfo; outer: number; size: number; inner: number }): DataId;
  /**
   * Batched GEMM: out[b] = opA(a[b]) @ opB(b[b]), out is [batch, m, n].
   * a is [batchA, m, k] ([batchA, k, m] when transposeA), b is [batchB, k, n] ([batchB, n, k]
   * when transposeB); batchA and batchB are each either `batch` or 1 (broadcast).
   * The inputs' `shape` fields hold the caller's shapes; use the numbers here.
   */
  MatMul(args: {
    a: TensorInfo;
    b: TensorInfo;
    transposeA: boolean;
    transposeB: boolean;
    batch: number;
    batchA: number;
    batchB: number;
    m: number;
    n: number;
    k: number;
  }): DataId;
  /** Permute axes: out.shape[i] = x.shape[perm[i]]. */
  Transpose(args: { x: TensorInfo; perm: readonly number[] }): DataId;
  /** Contiguous box `x[begin[i] : begin[i] + size[i]]` on every axis. */
  Slice(args: { x: TensorInfo; begin: readonly number[]; size: readonly number[] }): DataId;
  /** Constant padding: paddings[i] = [before, after] on axis i (both >= 0). */
  Pad(args: {
    x: TensorInfo;
    paddings: readonly (readonly [number, number])[];
    value: number;
  }): DataId;
  /** Convert x to `dtype` (float32 -> int32 truncates toward zero). */
  Cast(args: { x: TensorInfo; dtype: DType }): DataId;
  /** A new buffer of `shape` with every element `value`. */
  Fill(args: { shape: readonly number[]; value: number; dtype: DType }): DataId;
  /**
   * x [N, C, H, W] -> columns [N, C*kH*kW, outH*outW]; row index is (c*kH + i)*kW + j.
   * Padded positions read as 0.
   */
  Im2Col(args: { x: TensorInfo; geom: ConvGeometry }): DataId;
  /** The adjoint of Im2Col: columns [N, C*kH*kW, outH*outW] -> [N, C, H, W], summing overlaps. */
  Col2Im(args: { cols: TensorInfo; geom: ConvGeometry }): DataId;

  /** x [N, inC, H, W], w [outC, inC, kH, kW] -> [N, outC, outH, outW] (cross-correlation). */
  Conv2D(args: { x: TensorInfo; w: TensorInfo; geom: ConvGeometry }): DataId;
  /** dy [N, outC, outH, outW], w -> dx [N, inC, H, W]. */
  Conv2DBackpropInput(args: { dy: TensorInfo; w: TensorInfo; geom: ConvGeometry }): DataId;
  /** x, dy -> dw [outC, inC, kH, kW]. */
  Conv2DBackpropFilter(args: { x: TensorInfo; dy: TensorInfo; geom: ConvGeometry }): DataId;
  /**
   * x viewed as [outer, channels, inner] plus bias [channels] along the middle axis,
   * then relu when `relu` is set. Output has x's shape.
   */
  BiasAdd(args: {
    x: TensorInfo;
    bias: TensorInfo;
    outer: number;
    channels: number;
    inner: number;
    relu: boolean;
  }): DataId;
  /** Softmax over the last axis of x viewed as [outer, size]. */
  Softmax(args: { x: TensorInfo; outer: number; size: number }): DataId;
  /** Log-softmax over the last axis of x viewed as [outer, size]. */
  LogSoftmax(args: { x: TensorInfo; outer: number; size: number }): DataId;
  /**
   * Per-example loss [N] = logsumexp(logits[n]) - logits[n, labels[n]]; logits [N, K], labels
   * int32 [N]. A label outside [0, K) gives NaN for that example (never a silent wrong number).
   */
  SoftmaxCrossEntropy(args: { logits: TensorInfo; labels: TensorInfo }): DataId;
  /**
   * d loss / d logits [N, K] = (softmax(logits) - onehot(labels)) * dy[n], dy is [N].
   * Rows whose label is outside [0, K) are NaN.
   */
  SoftmaxCrossEntropyGrad(args: { logits: TensorInfo; labels: TensorInfo; dy: TensorInfo }): DataId;
  /** Max over each window; padding never wins. x [N, C, H, W] -> [N, C, outH, outW]. */
  MaxPool(args: { x: TensorInfo; geom: ConvGeometry }): DataId;
  /** Routes dy to the first maximum of each window of x (PyTorch's tie rule). */
  MaxPoolBackward(args: { x: TensorInfo; dy: TensorInfo; geom: ConvGeometry }): DataId;
  /** Mean over each window, dividing by kH*kW (padding counts, PyTorch's default). */
  AvgPool(args: { x: TensorInfo; geom: ConvGeometry }): DataId;
  /** Spreads dy / (kH*kW) over each window -> [N, C, H, W]. */
  AvgPoolBackward(args: { dy: TensorInfo; geom: ConvGeometry }): DataId;
  /** Join tensors of equal rank along `axis`; all other dims equal. */
  Concat(args: { xs: readonly TensorInfo[]; axis: number; outShape: readonly number[] }): DataId;
}

export type KernelTable = { [K in RequiredKernelName]: KernelSignatures[K] } & {
  [K in OptionalKernelName]?: KernelSignatures[K];
};
