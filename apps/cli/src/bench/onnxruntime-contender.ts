/**
 * The inference peer: onnxruntime-node on its CPU execution provider, forward cases only (it does
 * not train). Weights are initializers, as in a deployed model, so onnxruntime may pre-pack them;
 * it runs with the thread count the native backend uses (TESSERA_NUM_THREADS, default all cores).
 * Loaded only when the bench runs; its CPU build ships inside the npm package (its install script
 * is not run, so nothing is downloaded).
 */
import type { BenchCase } from './cases.js';
import type { Contender, PreparedCase } from './contender.js';
import { onnxModel, type OnnxGraph, type OnnxNode } from './onnx-model.js';

type Ort = typeof import('onnxruntime-node');

/** Seeded values in [-0.5, 0.5): the peer needs plausible data, not Tessera's exact tensors. */
function values(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s >>> 8) / 16777216 - 0.5;
  }
  return a;
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function weight(name: string, shape: readonly number[], seed: number) {
  return { name, shape, values: values(size(shape), seed) };
}

/** LeNet's parameters in ONNX order; shapes as @tessera/layers stores them (Linear: [out, in]). */
export const LENET_PARAMETERS: readonly { name: string; shape: readonly number[] }[] = [
  { name: 'W1', shape: [6, 1, 5, 5] },
  { name: 'B1', shape: [6] },
  { name: 'W2', shape: [16, 6, 5, 5] },
  { name: 'B2', shape: [16] },
  { name: 'W3', shape: [120, 400] },
  { name: 'B3', shape: [120] },
  { name: 'W4', shape: [10, 120] },
  { name: 'B4', shape: [10] },
];

/**
 * The same LeNet as @tessera/layers' `lenet`: conv 6x5x5 pad 2, relu, pool, conv 16x5x5, relu,
 * pool, fc 120, relu, fc 10. `weights` (in LENET_PARAMETERS order) default to seeded values.
 */
export function lenetGraph(batch: number, weights?: readonly Float32Array[]): OnnxGraph {
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const nodes: OnnxNode[] = [
    { op: 'Conv', inputs: ['X', 'W1', 'B1'], outputs: ['c1'], attributes: { pads: [2, 2, 2, 2] } },
    { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
    { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attributes: pool },
    { op: 'Conv', inputs: ['p1', 'W2', 'B2'], outputs: ['c2'] },
    { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
    { op: 'MaxPool', inputs: ['r2'], outputs: ['p2'], attributes: pool },
    { op: 'Flatten', inputs: ['p2'], outputs: ['f'], attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['f', 'W3', 'B3'], outputs: ['h'], attributes: { transB: 1 } },
    { op: 'Relu', inputs: ['h'], outputs: ['rh'] },
    { op: 'Gemm', inputs: ['rh', 'W4', 'B4'], outputs: ['Y'], attributes: { transB: 1 } },
  ];
  return {
    inputs: [{ name: 'X', shape: [batch, 1, 28, 28] }],
    outputs: [{ name: 'Y', shape: [batch, 10] }],
    initializers: LENET_PARAMETERS.map((p, i) =>
      weights ? { ...p, values: weights[i] } : weight(p.name, p.shape, 11 + i),
    ),
    nodes,
  };
}

/** A graph and the shapes of its runtime inputs for a forward case; undefined for training. */
function graphFor(c: BenchCase): { graph: OnnxGraph; feeds: Record<string, number[]> } | undefined {
  if (c.kind === 'matmul' && c.matmul) {
    const n = c.matmul.n;
    return {
      graph: {
        inputs: [{ name: 'A', shape: [n, n] }],
        outputs: [{ name: 'Y', shape: [n, n] }],
        initializers: [weight('B', [n, n], 2)],
        nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
      },
      feeds: { A: [n, n] },
    };
  }
  if (c.kind === 'conv' && c.conv) {
    const { x, w, pad } = c.conv;
    const oh = x[2] + 2 * pad - w[2] + 1;
    const ow = x[3] + 2 * pad - w[3] + 1;
    return {
      graph: {
        inputs: [{ name: 'X', shape: x }],
        outputs: [{ name: 'Y', shape: [x[0], w[0], oh, ow] }],
        initializers: [weight('W', w, 4)],
        nodes: [
          {
            op: 'Conv',
            inputs: ['X', 'W'],
            outputs: ['Y'],
            attributes: { pads: [pad, pad, pad, pad] },
          },
        ],
      },
      feeds: { X: [...x] },
    };
  }
  if (c.kind === 'elementwise' && c.elementwise) {
    const n = c.elementwise.size;
    const add = c.elementwise.op === 'add';
    return {
      graph: {
        inputs: add
          ? [
              { name: 'A', shape: [n] },
              { name: 'B', shape: [n] },
            ]
          : [{ name: 'A', shape: [n] }],
        outputs: [{ name: 'Y', shape: [n] }],
        nodes: [{ op: add ? 'Add' : 'Relu', inputs: add ? ['A', 'B'] : ['A'], outputs: ['Y'] }],
      },
      feeds: add ? { A: [n], B: [n] } : { A: [n] },
    };
  }
  if (c.kind === 'lenetForward' && c.lenet) {
    return { graph: lenetGraph(c.lenet.batch), feeds: { X: [c.lenet.batch, 1, 28, 28] } };
  }
  return undefined;
}

export async function onnxruntimeContender(): Promise<Contender | string> {
  let ort: Ort;
  let threads: number;
  try {
    ort = await import('onnxruntime-node');
    // The native backend's own reading of TESSERA_NUM_THREADS, so both run on the same threads;
    // imported lazily like every backend package (load-backends.ts).
    threads = (await import('@tessera/backend-native')).threadsFromEnv();
  } catch (err) {
    return `onnxruntime peer unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    name: 'onnxruntime',
    isPeer: true,
    detail: `${threads} intra-op thread${threads === 1 ? '' : 's'}`,
    async prepare(c: BenchCase): Promise<PreparedCase | undefined> {
      const spec = graphFor(c);
      if (!spec) return undefined;
      const session = await ort.InferenceSession.create(onnxModel(spec.graph), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
      let seed = 3;
      for (const [name, shape] of Object.entries(spec.feeds)) {
        feeds[name] = new ort.Tensor('float32', values(size(shape), seed++), shape);
      }
      return {
        async run(times) {
          for (let i = 0; i < times; i++) {
            const out = await session.run(feeds);
            for (const t of Object.values(out)) t.dispose();
          }
        },
        dispose() {
          void session.release();
        },
      };
    },
  };
}
