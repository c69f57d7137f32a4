/**
 * The peer: TensorFlow.js on its pure-JS CPU backend (4.22), loaded only when the bench runs.
 * tfjs convolves NHWC with filters [kH, kW, inC, outC]; the FLOP counts are the same.
 */
import type { BenchCase } from './cases.js';
import type { Contender, PreparedCase } from './contender.js';

type Tf = typeof import('@tensorflow/tfjs-core');

type TfUnion = typeof import('@tensorflow/tfjs');

/** The same LeNet as @tessera/layers' `lenet` (NHWC): one SGD+momentum step per run, or one
 * inference (predict) when `forwardOnly`. */
async function tfjsLenet(batch: number, forwardOnly: boolean): Promise<PreparedCase> {
  const tfl: TfUnion = await import('@tensorflow/tfjs');
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  model.compile({
    optimizer: tfl.train.momentum(0.01, 0.9),
    loss: (y: import('@tensorflow/tfjs').Tensor, p: import('@tensorflow/tfjs').Tensor) =>
      tfl.losses.softmaxCrossEntropy(y, p),
  });
  const x = tfl.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 7);
  const y = tfl.oneHot(
    tfl.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  return {
    async run(times) {
      for (let i = 0; i < times; i++) {
        if (!forwardOnly) {
          await model.trainOnBatch(x, y);
          continue;
        }
        const logits = model.predict(x) as import('@tensorflow/tfjs').Tensor;
        if (i === times - 1) await logits.data();
        logits.dispose();
      }
    },
    dispose() {
      tfl.dispose([x, y]);
      model.dispose();
    },
  };
}

/**
 * tfjs-backend-cpu's conv backprop is a direct loop: one conv B fwd+bwd step did not finish in
 * 5 minutes here (forward alone: 3.5 s). Such cases are skipped unless `slow` is set.
 */
const SLOW_PEER_FLOPS = 2e9;

/**
 * Runs `f` with console.log/warn silenced: tfjs prints an "install tfjs-node" banner in Node when
 * its CPU backend stores its first tensor.
 */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const { warn, log } = console;
  console.warn = () => {};
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

export async function tfjsCpuContender(
  options: { slow?: boolean } = {},
): Promise<Contender | string> {
  let tf: Tf;
  try {
    // The union package registers tfjs's gradients (tfjs-core alone has none) and the CPU
    // backend; it shares the single tfjs-core instance imported here.
    await quietly(() => import('@tensorflow/tfjs'));
    tf = await quietly(() => import('@tensorflow/tfjs-core'));
    // The CPU backend prints the banner when its first tensor is written.
    await quietly(async () => {
      await tf.setBackend('cpu');
      await tf.ready();
      tf.dispose(tf.tensor1d([0]));
    });
  } catch (err) {
    return `tfjs-backend-cpu unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    name: 'tfjs-cpu',
    isPeer: true,
    detail: 'single-threaded JS',
    async prepare(c: BenchCase): Promise<PreparedCase | undefined> {
      const inputs: import('@tensorflow/tfjs-core').Tensor[] = [];
      const input = (shape: number[], seed: number) => {
        const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
        inputs.push(t);
        return t;
      };
      let step: () => import('@tensorflow/tfjs-core').Tensor[];
      if (c.matmul) {
        const a = input([c.matmul.n, c.matmul.n], 1) as import('@tensorflow/tfjs-core').Tensor2D;
        const b = input([c.matmul.n, c.matmul.n], 2) as import('@tensorflow/tfjs-core').Tensor2D;
        step = () => [tf.matMul(a, b)];
      } else if (c.conv) {
        if (c.kind === 'convTrain' && c.flops > SLOW_PEER_FLOPS && !options.slow) {
          throw new Error('skipped: over 5 min per step on tfjs-cpu; --slow-peer runs it');
        }
        const [n, ch, h, wd] = c.conv.x;
        const [o, , kh, kw] = c.conv.w;
        const x = input([n, h, wd, ch], 3) as import('@tensorflow/tfjs-core').Tensor4D;
        const w = input([kh, kw, ch, o], 4) as import('@tensorflow/tfjs-core').Tensor4D;
        const pad = c.conv.pad === 0 ? 'valid' : 'same';
        if (c.kind === 'conv') step = () => [tf.conv2d(x, w, 1, pad)];
        else {
          const g = tf.valueAndGrads(
            (
              xi: import('@tensorflow/tfjs-core').Tensor,
              wi: import('@tensorflow/tfjs-core').Tensor,
            ) =>
              tf.sum(
                tf.conv2d(
                  xi as import('@tensorflow/tfjs-core').Tensor4D,
                  wi as import('@tensorflow/tfjs-core').Tensor4D,
                  1,
                  pad,
                ),
              ),
          );
          step = () => {
            const { value, grads } = g([x, w]);
            return [value, ...grads];
          };
        }
      } else if (c.elementwise) {
        const a = input([c.elementwise.size], 5);
        const b = input([c.elementwise.size], 6);
        step = c.elementwise.op === 'relu' ? () => [tf.relu(a)] : () => [tf.add(a, b)];
      } else if (c.lenet) {
        const batch = c.lenet.batch;
        return quietly(() => tfjsLenet(batch, c.kind === 'lenetForward'));
      } else return undefined;
      return {
        async run(times) {
          for (let i = 0; i < times; i++) {
            const outs = step();
            if (i === times - 1) await outs[0].data();
            tf.dispose(outs);
          }
        },
        dispose() {
          tf.dispose(inputs);
        },
      };
    },
  };
}
