/**
 * The in-browser MNIST trainer, shared by demos 6 (train, draw) and 7 (inside the network):
 * a module-level store, so a model trained on one page is still there on the next.
 *
 * Each step is @tessera/layers' trainStep (forward, loss, backward by VJPs, optimiser update,
 * all in one tidy), and the loss and accuracy are read back to plot. Between steps we yield
 * to the browser so the page stays responsive.
 */
import { reactive, shallowRef } from 'vue';
import { dispose, getBackend, noGrad, softmax, tensor, tidy, type Tensor } from '@tessera/core';
import {
  Adam,
  SGD,
  batches,
  buildModel,
  evaluate,
  subset,
  trainStep,
  type Batch,
  type Dataset,
  type Optimizer,
  type Sequential,
} from '@tessera/layers';
import { loadDigits } from './mnist';
import { initTessera, runtime } from './runtime';

export type ModelKind = 'lenet' | 'mlp' | 'linear';
export type OptimizerKind = 'adam' | 'sgd';

export interface TrainConfig {
  model: ModelKind;
  optimizer: OptimizerKind;
  lr: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
}

export const trainer = reactive({
  config: {
    model: 'lenet',
    optimizer: 'adam',
    lr: 0.002,
    batchSize: 32,
    steps: 300,
    evalEvery: 25,
  } as TrainConfig,
  status: 'idle' as 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error',
  message: '',
  step: 0,
  epoch: 0,
  /** Per step: loss and batch accuracy (0..1). */
  losses: [] as number[],
  batchAcc: [] as number[],
  /** Test-set evaluations: [step, accuracy]. */
  testAcc: [] as [number, number][],
  examplesPerSec: 0,
  backend: '',
  /** Bumped when the weights change (after training, a move, a reset): views redraw. */
  revision: 0,
  trainedModel: '' as ModelKind | '',
});

/** Not reactive: Vue must not proxy tensors or modules. */
export const modelRef = shallowRef<Sequential | undefined>();
let optimizer: Optimizer | undefined;
let data: { train: Dataset; test: Dataset; testSmall: Dataset } | undefined;
let iterator: Generator<Batch> | undefined;
let stopRequested = false;

function makeOptimizer(cfg: TrainConfig): Optimizer {
  return cfg.optimizer === 'adam' ? new Adam(cfg.lr) : new SGD(cfg.lr, { momentum: 0.9 });
}

export async function ensureData(): Promise<{ train: Dataset; test: Dataset; testSmall: Dataset }> {
  if (!data) {
    const split = await loadDigits();
    data = {
      ...split,
      testSmall: subset(
        split.test,
        Array.from({ length: 500 }, (_, i) => i),
        'mnist (test, 500)',
      ),
    };
  }
  return data;
}

export function resetModel(): void {
  stopRequested = true;
  modelRef.value?.dispose();
  modelRef.value = undefined;
  optimizer?.dispose();
  optimizer = undefined;
  iterator = undefined;
  Object.assign(trainer, {
    status: 'idle',
    message: '',
    step: 0,
    epoch: 0,
    losses: [],
    batchAcc: [],
    testAcc: [],
    examplesPerSec: 0,
    trainedModel: '',
  });
  runtime.lockedBy = '';
  trainer.revision++;
}

function nextBatch(train: Dataset): Batch {
  for (;;) {
    if (!iterator)
      iterator = batches(train, {
        batchSize: trainer.config.batchSize,
        shuffle: true,
        seed: 17 + trainer.epoch,
        dropLast: true,
      });
    const r = iterator.next();
    if (!r.done) return r.value;
    iterator = undefined;
    trainer.epoch++;
  }
}

async function evaluateTest(): Promise<void> {
  const model = modelRef.value;
  if (!model || !data) return;
  const ev = await evaluate(model, data.testSmall, { batchSize: 250 });
  trainer.testAcc.push([trainer.step, ev.accuracy]);
}

const frame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Train (or continue) until `config.steps` steps or a pause. */
export async function train(extraSteps?: number): Promise<void> {
  if (trainer.status === 'training' || trainer.status === 'loading') return;
  await initTessera();
  stopRequested = false;
  try {
    trainer.status = 'loading';
    trainer.message = 'Loading 10,000 MNIST digits…';
    const d = await ensureData();
    const cfg = trainer.config;
    if (!modelRef.value || trainer.trainedModel !== cfg.model) {
      resetModel();
      stopRequested = false;
      modelRef.value = buildModel(cfg.model, { seed: 7 });
      optimizer = makeOptimizer(cfg);
      trainer.trainedModel = cfg.model;
    }
    await moveModelToActiveBackend();
    optimizer ??= makeOptimizer(cfg);
    const model = modelRef.value as Sequential;
    const target =
      extraSteps !== undefined ? trainer.step + extraSteps : Math.max(cfg.steps, trainer.step + 1);
    trainer.status = 'training';
    trainer.message = '';
    trainer.backend = getBackend().name;
    runtime.lockedBy = `Training holds the model's weights on ${runtime.active}: pause it to switch backends.`;
    if (trainer.step === 0) await evaluateTest();
    let windowStart = performance.now();
    let windowExamples = 0;
    while (trainer.step < target && !stopRequested) {
      const batch = nextBatch(d.train);
      let loss: Tensor | undefined;
      let correct: Tensor | undefined;
      try {
        const r = trainStep(model, optimizer, batch.x, batch.y);
        loss = r.loss;
        correct = r.correct;
        const [l, c] = await Promise.all([
          loss.data(),
          correct ? correct.data() : Promise.resolve(new Float32Array([NaN])),
        ]);
        trainer.losses.push(l[0]);
        trainer.batchAcc.push(c[0] / batch.size);
      } finally {
        dispose([batch.x, batch.y, loss, correct].filter((t): t is Tensor => t !== undefined));
      }
      trainer.step++;
      windowExamples += batch.size;
      const now = performance.now();
      if (now - windowStart > 1000) {
        trainer.examplesPerSec = (windowExamples * 1000) / (now - windowStart);
        windowStart = now;
        windowExamples = 0;
      }
      if (trainer.step % cfg.evalEvery === 0 || trainer.step === target) await evaluateTest();
      await frame();
    }
    if (trainer.examplesPerSec === 0 && trainer.step > 0) {
      trainer.examplesPerSec =
        (windowExamples * 1000) / Math.max(1, performance.now() - windowStart);
    }
    trainer.status = trainer.step >= target ? 'done' : 'paused';
  } catch (err) {
    trainer.status = 'error';
    trainer.message = err instanceof Error ? err.message : String(err);
    console.error(err);
  } finally {
    runtime.lockedBy = '';
    trainer.revision++;
  }
}

export function pause(): void {
  stopRequested = true;
}

/**
 * After a backend switch, copy the weights to the new backend (via the host) so drawing and
 * inspecting keep working; the optimiser restarts (its moments lived on the old backend).
 */
export async function moveModelToActiveBackend(): Promise<void> {
  const model = modelRef.value;
  if (!model) return;
  const active = getBackend();
  const params = model.parameters();
  if (params.every((p) => p.backend === active)) return;
  const host: Record<string, { values: Float32Array; shape: readonly number[] }> = {};
  for (const [name, t] of model.namedParameters())
    host[name] = { values: (await t.data()) as Float32Array, shape: t.shape };
  const moved: Record<string, Tensor> = {};
  for (const [name, h] of Object.entries(host)) moved[name] = tensor(h.values, h.shape);
  model.loadStateDict(moved);
  dispose(Object.values(moved));
  optimizer?.dispose();
  optimizer = undefined;
  trainer.backend = active.name;
  trainer.revision++;
}

/** Class probabilities for one 28x28 image (values 0..1). */
export async function classify(pixels: Float32Array): Promise<Float32Array> {
  const model = modelRef.value;
  if (!model) throw new Error('no trained model yet');
  await moveModelToActiveBackend();
  model.eval();
  try {
    const probs = noGrad(() => tidy(() => softmax(model.forward(tensor(pixels, [1, 1, 28, 28])))));
    try {
      return (await probs.data()) as Float32Array;
    } finally {
      probs.dispose();
    }
  } finally {
    model.train();
  }
}
