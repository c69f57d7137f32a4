/**
 * `tessera train`: train a model (LeNet on the `mnist` package's digits by default), with a
 * progress bar per epoch, test accuracy after each epoch, the model summary, the per-layer
 * time table, and the weights saved as safetensors.
 */
import {
  Adam,
  MODELS,
  SGD,
  batches,
  constantLr,
  cosineDecay,
  randomShift,
  fit,
  isModelName,
  loadCheckpoint,
  numBatches,
  profile,
  saveCheckpoint,
  saveModel,
  subset,
  summary,
  type EpochLog,
  type Optimizer,
  type TrainingPosition,
  decodeSafetensors,
} from '@tessera/layers';
import { helpText, UsageError, type Command, type OptionValues } from '../args.js';
import { chooseBackend } from '../backend-choice.js';
import { checkDataSpec, loadData } from '../data.js';
import { checkOutputPath, readUserFile, writeFileAtomic } from '../files.js';
import { formatRecord } from '../plot/metrics-log.js';
import { metaToStrings } from '../model-meta.js';
import { ProgressBar } from '../progress.js';
import { reportErrors } from '../report-errors.js';

/** Defaults chosen so the plain `tessera train` reaches >= 97% test accuracy in well under 3 minutes on 2 cores. */
export const TRAIN_DEFAULTS = {
  model: 'lenet',
  data: 'mnist',
  epochs: 4,
  batchSize: 32,
  lr: 0.003,
  optimizer: 'adam',
  momentum: 0.9,
  schedule: 'cosine',
  augment: 2,
  seed: 0,
} as const;

function positiveInt(options: OptionValues, name: string): number {
  const v = Number(options[name]);
  if (!Number.isInteger(v) || v < 1)
    throw new UsageError(`--${name} must be a positive integer, got ${String(options[name])}`);
  return v;
}

function makeOptimizer(name: string, lr: number, momentum: number, weightDecay: number): Optimizer {
  if (name === 'adam') return new Adam(lr, { weightDecay });
  if (name === 'sgd') return new SGD(lr, { momentum, weightDecay });
  throw new UsageError(`--optimizer must be 'adam' or 'sgd', got '${name}'`);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export const trainCommand: Command = {
  name: 'train',
  summary:
    'Train a model (default: LeNet on MNIST digits), report test accuracy and per-layer time, save the weights',
  options: [
    {
      name: 'model',
      type: 'string',
      description: `model: ${Object.keys(MODELS).join(', ')}`,
      default: TRAIN_DEFAULTS.model,
    },
    {
      name: 'data',
      type: 'string',
      description:
        "'mnist' (the mnist package's 10,000 digits), idx:<dir> (IDX files, .gz or not) or folder:<dir> (<dir>/<class>/*.png|jpg)",
      default: TRAIN_DEFAULTS.data,
    },
    {
      name: 'backend',
      type: 'string',
      description: 'backend to run on (default: the best available)',
    },
    {
      name: 'epochs',
      type: 'number',
      description: 'passes over the training set',
      default: TRAIN_DEFAULTS.epochs,
    },
    {
      name: 'batch-size',
      type: 'number',
      description: 'examples per step',
      default: TRAIN_DEFAULTS.batchSize,
    },
    { name: 'lr', type: 'number', description: 'learning rate', default: TRAIN_DEFAULTS.lr },
    {
      name: 'optimizer',
      type: 'string',
      description: "'adam' or 'sgd' (with --momentum)",
      default: TRAIN_DEFAULTS.optimizer,
    },
    {
      name: 'momentum',
      type: 'number',
      description: 'SGD momentum',
      default: TRAIN_DEFAULTS.momentum,
    },
    {
      name: 'schedule',
      type: 'string',
      description: "learning-rate schedule: 'cosine' (decays to 0 over the run) or 'constant'",
      default: TRAIN_DEFAULTS.schedule,
    },
    {
      name: 'augment',
      type: 'number',
      description: 'shift training images by up to this many pixels (0: off)',
      default: TRAIN_DEFAULTS.augment,
    },
    { name: 'weight-decay', type: 'number', description: 'L2 weight decay', default: 0 },
    {
      name: 'seed',
      type: 'number',
      description: 'seed of the initial weights and the batch order',
      default: TRAIN_DEFAULTS.seed,
    },
    { name: 'limit', type: 'number', description: 'train on only the first N training examples' },
    {
      name: 'out',
      type: 'string',
      description: 'weights file to write (default: <model>.safetensors)',
    },
    {
      name: 'checkpoint',
      type: 'string',
      description:
        'save a checkpoint (weights, optimizer state, run position) here after every epoch and on Ctrl-C',
    },
    {
      name: 'resume',
      type: 'string',
      description:
        'continue the run saved in this checkpoint up to --epochs (settings come from it)',
    },
    {
      name: 'log',
      type: 'string',
      description: 'write a JSON-lines metrics log, one line per epoch (see `tessera plot`)',
    },
    { name: 'no-profile', type: 'boolean', description: 'skip the per-layer time table' },
    { name: 'no-save', type: 'boolean', description: 'do not write a weights file' },
  ],
  help() {
    return helpText(this);
  },
  run(options) {
    return reportErrors('train', () => train(options));
  },
};

/** What defines a run: saved in checkpoints so `--resume` continues the same run. */
interface RunSettings {
  model: string;
  data: string;
  limit: number | null;
  batchSize: number;
  lr: number;
  optimizer: string;
  momentum: number;
  weightDecay: number;
  schedule: string;
  augment: number;
  seed: number;
}

/** The option each setting comes from (and its default, to tell a flag the user gave). */
const SETTING_FLAGS: Record<keyof RunSettings, string> = {
  model: 'model',
  data: 'data',
  limit: 'limit',
  batchSize: 'batch-size',
  lr: 'lr',
  optimizer: 'optimizer',
  momentum: 'momentum',
  weightDecay: 'weight-decay',
  schedule: 'schedule',
  augment: 'augment',
  seed: 'seed',
};

function settingsFrom(options: OptionValues): RunSettings {
  const model = String(options.model);
  if (!isModelName(model))
    throw new UsageError(`unknown model '${model}' (known: ${Object.keys(MODELS).join(', ')})`);
  const lr = Number(options.lr);
  if (!(lr > 0)) throw new UsageError(`--lr must be positive, got ${String(options.lr)}`);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer`);
  const schedule = String(options.schedule);
  if (schedule !== 'cosine' && schedule !== 'constant') {
    throw new UsageError(`--schedule must be 'cosine' or 'constant', got '${schedule}'`);
  }
  const augment = Number(options.augment);
  if (!Number.isInteger(augment) || augment < 0) {
    throw new UsageError(
      `--augment must be a non-negative integer, got ${String(options.augment)}`,
    );
  }
  const settings: RunSettings = {
    model,
    data: String(options.data),
    limit: options.limit !== undefined ? positiveInt(options, 'limit') : null,
    batchSize: positiveInt(options, 'batch-size'),
    lr,
    optimizer: String(options.optimizer),
    momentum: Number(options.momentum),
    weightDecay: Number(options['weight-decay']),
    schedule,
    augment,
    seed,
  };
  checkDataSpec(settings.data);
  makeOptimizer(settings.optimizer, lr, settings.momentum, settings.weightDecay).dispose();
  return settings;
}

/**
 * A resumed run keeps the settings it was saved with; a flag given with another value than the
 * checkpoint's would silently be ignored, so it is an error instead.
 */
function resumedSettings(options: OptionValues, path: string, saved: RunSettings): RunSettings {
  const defaults = new Map(trainCommand.options.map((o) => [o.name, o.default]));
  for (const [key, flag] of Object.entries(SETTING_FLAGS) as [keyof RunSettings, string][]) {
    const given = options[flag];
    if (given === undefined || given === defaults.get(flag)) continue;
    if (String(given) !== String(saved[key])) {
      throw new UsageError(
        `--${flag} ${String(given)} differs from the checkpoint's ${String(saved[key])}; ` +
          `a run resumed from '${path}' keeps its settings (only --epochs and the outputs change)`,
      );
    }
  }
  // Validate what the file says as if it had been typed (a hand-edited file fails clearly).
  const asOptions: OptionValues = {};
  for (const [key, flag] of Object.entries(SETTING_FLAGS) as [keyof RunSettings, string][]) {
    const v = saved[key];
    if (v !== null && v !== undefined) asOptions[flag] = v;
  }
  return settingsFrom(asOptions);
}

function readResume(path: string): { bytes: Uint8Array; settings: RunSettings } {
  const bytes = readUserFile(path, 'checkpoint file', 'write one with --checkpoint');
  // The header is read twice (here for the settings, loadCheckpoint for the tensors); it is small.
  const settingsText = decodeSafetensors(bytes).metadata['tessera.run'];
  if (settingsText === undefined) {
    throw new UsageError(
      `${path} is not a checkpoint of \`tessera train\` (no run settings in it)`,
    );
  }
  try {
    return { bytes, settings: JSON.parse(settingsText) as RunSettings };
  } catch {
    throw new UsageError(`${path}: the run settings in the checkpoint are not valid JSON`);
  }
}

async function train(options: OptionValues): Promise<number> {
  const started = performance.now();
  const epochs = positiveInt(options, 'epochs');
  const resumePath = typeof options.resume === 'string' ? options.resume : undefined;
  const resume = resumePath !== undefined ? readResume(resumePath) : undefined;
  const settings = resume
    ? resumedSettings(options, resumePath as string, resume.settings)
    : settingsFrom(options);
  const { batchSize, lr, seed } = settings;
  const modelName = settings.model;
  if (!isModelName(modelName)) throw new UsageError(`unknown model '${modelName}'`);
  const optimizer = makeOptimizer(settings.optimizer, lr, settings.momentum, settings.weightDecay);

  if (options['no-save'] && options.out !== undefined)
    throw new UsageError('--out and --no-save contradict each other; give one');
  const out = typeof options.out === 'string' ? options.out : `${modelName}.safetensors`;
  const checkpointPath = typeof options.checkpoint === 'string' ? options.checkpoint : undefined;
  const logPath = typeof options.log === 'string' ? options.log : undefined;
  // Minutes of training must not be lost to an output path that was never writable.
  if (!options['no-save']) checkOutputPath(out, 'weights file');
  if (checkpointPath !== undefined) checkOutputPath(checkpointPath, 'checkpoint file');
  if (logPath !== undefined) checkOutputPath(logPath, 'metrics log');
  // The data is read before any backend initialises, so a wrong --data fails at once.
  const data = await loadData(settings.data);
  const backend = await chooseBackend(options.backend as string | undefined, (l) =>
    console.error(l),
  );
  const trainSet =
    settings.limit !== null
      ? subset(data.train, range(Math.min(settings.limit, data.train.size)))
      : data.train;
  const { test } = data;
  const inputShape = trainSet.imageShape;
  const model = MODELS[modelName].build({ inputShape, numClasses: trainSet.numClasses, seed });
  model.parameters();
  let position: TrainingPosition | undefined;
  if (resume) {
    position = loadCheckpoint(resume.bytes, model, optimizer);
    if (position.epoch >= epochs) {
      throw new UsageError(
        `the checkpoint has ${position.epoch} epochs done already; pass --epochs above ${position.epoch} to train on`,
      );
    }
  }

  console.log(
    `tessera train: model ${modelName}, data ${data.name} (${trainSet.size.toLocaleString('en-US')} train / ` +
      `${test.size.toLocaleString('en-US')} test, ${inputShape.join('x')}, ${trainSet.numClasses} classes), backend ${backend.name}`,
  );
  console.log(
    `${optimizer.name} lr ${lr} (${settings.schedule}), batch size ${batchSize}, ${epochs} epoch${epochs > 1 ? 's' : ''}, ` +
      `augmentation: ${settings.augment > 0 ? `random shifts of up to ${settings.augment} px` : 'none'}, seed ${seed}` +
      (position
        ? `\nresuming ${resumePath} after epoch ${position.epoch}` +
          (position.batchInEpoch ? `, batch ${position.batchInEpoch}` : '')
        : '') +
      '\n',
  );
  console.log(summary(model, inputShape).text);
  console.log('');

  const steps = numBatches(trainSet, { batchSize });
  const meta = (extra: Record<string, string | number>) =>
    metaToStrings(
      { model: modelName, inputShape, numClasses: trainSet.numClasses },
      { data: data.name, seed, backend: backend.name, ...extra },
    );
  const saveCheckpointFile = async (at: TrainingPosition) => {
    if (checkpointPath === undefined) return;
    const bytes = await saveCheckpoint(model, optimizer, at, {
      ...meta({ epochs: at.epoch }),
      'tessera.run': JSON.stringify(settings),
    });
    writeFileAtomic(checkpointPath, bytes, 'checkpoint file');
  };
  const logLines: string[] = [];
  let bar: ProgressBar | undefined;
  let epochStart = 0;
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  const stats = () => {
    const secs = (performance.now() - epochStart) / 1000;
    return `loss ${(lossSum / Math.max(seen, 1)).toFixed(4)}  acc ${pct(correct / Math.max(seen, 1))}  ${Math.round(seen / Math.max(secs, 1e-9))} img/s`;
  };
  // Ctrl-C stops after the current step; with --checkpoint the run is saved where it stopped.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let history;
  try {
    history = await fit(model, optimizer, trainSet, {
      epochs,
      batchSize,
      seed,
      validationData: test,
      schedule: settings.schedule === 'cosine' ? cosineDecay(lr, steps * epochs) : constantLr(lr),
      ...(settings.augment > 0 ? { augment: randomShift(settings.augment) } : {}),
      ...(position ? { resume: position } : {}),
      signal: abort.signal,
      callbacks: {
        onBatchEnd(log) {
          if (!bar) {
            bar = new ProgressBar(`epoch ${log.epoch}/${epochs}`, steps);
            epochStart = performance.now();
            lossSum = correct = seen = 0;
          }
          lossSum += log.loss * log.size;
          correct += log.correct ?? 0;
          seen += log.size;
          bar.update(log.batch + 1, stats());
        },
        async onEpochEnd(log: EpochLog) {
          bar?.finish(steps, stats());
          bar = undefined;
          const testCorrect = Math.round((log.valAccuracy ?? 0) * test.size);
          console.log(
            `epoch ${log.epoch}/${epochs}: train loss ${log.loss.toFixed(4)}, train acc ${pct(log.accuracy ?? NaN)}, ` +
              `test acc ${pct(log.valAccuracy ?? NaN)} (${testCorrect}/${test.size}), ` +
              `${Math.round(log.examples / log.seconds)} img/s, ${log.seconds.toFixed(1)} s`,
          );
          await saveCheckpointFile({
            epoch: log.epoch,
            batchInEpoch: 0,
            globalStep: log.epoch * steps,
            seed,
          });
          if (logPath !== undefined) {
            logLines.push(
              formatRecord({
                epoch: log.epoch,
                loss: log.loss,
                ...(log.accuracy !== undefined ? { accuracy: log.accuracy } : {}),
                ...(log.valAccuracy !== undefined ? { testAccuracy: log.valAccuracy } : {}),
                seconds: log.seconds,
              }),
            );
            writeFileAtomic(logPath, logLines.join('\n') + '\n', 'metrics log');
          }
        },
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (history.stopped === 'aborted') {
    bar?.finish(history.position.batchInEpoch, stats());
    await saveCheckpointFile(history.position);
    console.error(
      `\ninterrupted after epoch ${history.position.epoch}, batch ${history.position.batchInEpoch}` +
        (checkpointPath !== undefined
          ? `; saved to ${checkpointPath} (continue with --resume ${checkpointPath})`
          : ''),
    );
    optimizer.dispose();
    model.dispose();
    return 130;
  }
  const last = history.epochs[history.epochs.length - 1];
  const testAccuracy = last?.valAccuracy ?? NaN;
  const trainImages = history.epochs.reduce((n, e) => n + e.examples, 0);
  const trainSeconds = history.epochs.reduce((n, e) => n + e.seconds, 0);

  if (!options['no-profile']) {
    const first = batches(trainSet, { batchSize: Math.min(batchSize, trainSet.size) }).next();
    if (!first.done) {
      const b = first.value;
      try {
        const p = await profile(model, b.x, b.y, { repeats: 3 });
        console.log(`\n${p.text}`);
      } finally {
        b.x.dispose();
        b.y.dispose();
      }
    }
  }

  if (!options['no-save']) {
    const bytes = await saveModel(model, meta({ epochs, test_accuracy: testAccuracy.toFixed(4) }));
    writeFileAtomic(out, bytes, 'weights file');
    console.log(`\nsaved weights to ${out} (${(bytes.length / 1024).toFixed(1)} KiB, safetensors)`);
  }
  const wall = (performance.now() - started) / 1000;
  console.log(
    `test accuracy ${pct(testAccuracy)} after ${epochs} epoch${epochs > 1 ? 's' : ''}; ` +
      `training ${Math.round(trainImages / trainSeconds)} img/s on ${backend.name}; wall time ${wall.toFixed(1)} s`,
  );
  optimizer.dispose();
  model.dispose();
  return 0;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
