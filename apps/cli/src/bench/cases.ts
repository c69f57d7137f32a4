/**
 * The benchmark cases, defined once and run on every contender (each Tessera backend and the
 * peers). A case knows its FLOP count; a contender knows how to build inputs and run it.
 */
export type CaseKind =
  'matmul' | 'conv' | 'convTrain' | 'elementwise' | 'lenetStep' | 'lenetForward';

export interface BenchCase {
  readonly name: string;
  readonly kind: CaseKind;
  /** Floating-point operations per run (multiply-add = 2). Elementwise counts 1 per element. */
  readonly flops: number;
  readonly matmul?: { n: number };
  readonly conv?: ConvCaseShape;
  readonly elementwise?: { op: 'relu' | 'add'; size: number };
  /** LeNet-5 on a batch of 1x28x28 images: one SGD step (forward, backward, update) for
   * 'lenetStep', inference (logits) for 'lenetForward'. */
  readonly lenet?: { batch: number };
}

export interface ConvCaseShape {
  /** x [N, C, H, W] */
  readonly x: readonly [number, number, number, number];
  /** w [O, C, kH, kW] */
  readonly w: readonly [number, number, number, number];
  /** Symmetric padding in pixels ('same' for odd kernels at stride 1). */
  readonly pad: number;
}

function convFlops(s: ConvCaseShape): number {
  const [n, c, h, w] = s.x;
  const [o, , kh, kw] = s.w;
  const oh = h + 2 * s.pad - kh + 1;
  const ow = w + 2 * s.pad - kw + 1;
  return 2 * n * o * oh * ow * c * kh * kw;
}

/** Conv A: first layer of an MNIST net. Conv B: a mid-size ResNet-like 3x3 layer. */
export const CONV_A: ConvCaseShape = { x: [64, 1, 28, 28], w: [32, 1, 5, 5], pad: 0 };
export const CONV_B: ConvCaseShape = { x: [8, 64, 56, 56], w: [64, 64, 3, 3], pad: 1 };

function matmulCase(n: number): BenchCase {
  return { name: `matmul ${n}`, kind: 'matmul', flops: 2 * n * n * n, matmul: { n } };
}

function convCase(name: string, s: ConvCaseShape): BenchCase {
  return { name, kind: 'conv', flops: convFlops(s), conv: s };
}

/** Forward plus both backprops (input and filter): three GEMM-sized passes. */
function convTrainCase(name: string, s: ConvCaseShape): BenchCase {
  return { name, kind: 'convTrain', flops: 3 * convFlops(s), conv: s };
}

function elementwiseCase(op: 'relu' | 'add', size: number): BenchCase {
  const label = size % 2 ** 20 === 0 ? `${size / 2 ** 20}M` : String(size);
  return { name: `${op} ${label}`, kind: 'elementwise', flops: size, elementwise: { op, size } };
}

/** LeNet (conv 6x5x5 pad 2, pool, conv 16x5x5, pool, fc 120, fc 10): 406,800 multiply-adds per image. */
function lenetStepCase(batch: number): BenchCase {
  return {
    name: `lenet step b${batch}`,
    kind: 'lenetStep',
    flops: 3 * 2 * 406_800 * batch,
    lenet: { batch },
  };
}

/** LeNet inference: the one whole-model case every peer runs, onnxruntime included. */
function lenetForwardCase(batch: number): BenchCase {
  return {
    name: `lenet fwd b${batch}`,
    kind: 'lenetForward',
    flops: 2 * 406_800 * batch,
    lenet: { batch },
  };
}

export function standardCases(): BenchCase[] {
  return [
    matmulCase(256),
    matmulCase(512),
    matmulCase(1024),
    convCase('conv A fwd', CONV_A),
    convCase('conv B fwd', CONV_B),
    convTrainCase('conv A fwd+bwd', CONV_A),
    convTrainCase('conv B fwd+bwd', CONV_B),
    elementwiseCase('relu', 1 << 20),
    elementwiseCase('add', 1 << 20),
    lenetForwardCase(32),
    lenetStepCase(32),
  ];
}

/** Tiny sizes for smoke tests: every code path, a fraction of a second. */
export function quickCases(): BenchCase[] {
  const a: ConvCaseShape = { x: [2, 1, 12, 12], w: [4, 1, 5, 5], pad: 0 };
  const b: ConvCaseShape = { x: [1, 4, 10, 10], w: [4, 4, 3, 3], pad: 1 };
  return [
    matmulCase(32),
    convCase('conv A fwd', a),
    convCase('conv B fwd', b),
    convTrainCase('conv A fwd+bwd', a),
    elementwiseCase('relu', 1000),
    elementwiseCase('add', 1000),
    lenetForwardCase(2),
    lenetStepCase(2),
  ];
}
