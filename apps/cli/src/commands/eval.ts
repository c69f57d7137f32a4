/** `tessera eval <weights>`: accuracy and confusion matrix of saved weights on a test set. */
import { evaluate, formatConfusion, loadModel, decodeSafetensors } from '@tessera/layers';
import { helpText, UsageError, type Command, type OptionValues } from '../args.js';
import { chooseBackend } from '../backend-choice.js';
import { checkDataSpec, loadData } from '../data.js';
import { readUserFile } from '../files.js';
import { buildFromMeta, metaFromStrings, parseInputShape, type ModelMeta } from '../model-meta.js';
import { reportErrors } from '../report-errors.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Evaluate saved weights: test accuracy and confusion matrix',
  positionals: { usage: '<weights.safetensors>', min: 1, max: 1 },
  options: [
    {
      name: 'data',
      type: 'string',
      description: "'mnist' or idx:<dir> (evaluates the test split)",
      default: 'mnist',
    },
    {
      name: 'backend',
      type: 'string',
      description: 'backend to run on (default: the best available)',
    },
    { name: 'model', type: 'string', description: "model name, when the file's metadata lacks it" },
    { name: 'input', type: 'string', description: 'C,H,W input shape, when the metadata lacks it' },
    {
      name: 'classes',
      type: 'number',
      description: 'number of classes, when the metadata lacks it',
    },
    { name: 'batch-size', type: 'number', description: 'examples per batch', default: 256 },
  ],
  help() {
    return helpText(this);
  },
  run(options, positionals) {
    return reportErrors('eval', () => evalWeights(options, positionals));
  },
};

async function evalWeights(options: OptionValues, positionals: string[]): Promise<number> {
  const path = positionals[0];
  checkDataSpec(String(options.data));
  const batchSize = Number(options['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError(`--batch-size must be a positive integer`);
  const bytes = readUserFile(
    path,
    'weights file',
    `train one with \`tessera train --out ${path}\``,
  );
  // Validate the whole file (and read the model description) before touching a backend.
  const file = decodeSafetensors(bytes);
  let meta: ModelMeta;
  if (options.model !== undefined) {
    meta = {
      model: String(options.model),
      inputShape: parseInputShape(String(options.input ?? '1,28,28'), '--input'),
      numClasses: Number(options.classes ?? 10),
    };
  } else {
    meta = metaFromStrings(file.metadata, path);
  }
  // The data is read and checked before a backend initialises: a wrong --data fails fast.
  const data = await loadData(String(options.data));
  const test = data.test;
  if (test.imageShape.some((d, i) => d !== meta.inputShape[i])) {
    throw new UsageError(
      `${path} holds a model for ${meta.inputShape.join('x')} images but ${data.name} has ${test.imageShape.join('x')}`,
    );
  }
  const backend = await chooseBackend(options.backend as string | undefined, (l) =>
    console.error(l),
  );
  const model = buildFromMeta(meta);
  try {
    loadModel(model, bytes);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const t0 = performance.now();
  const ev = await evaluate(
    model,
    { ...test, numClasses: Math.max(test.numClasses, meta.numClasses) },
    { batchSize },
  );
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `model ${meta.model} from ${path}, data ${data.name} test split, backend ${backend.name}`,
  );
  console.log(
    `accuracy ${(ev.accuracy * 100).toFixed(2)}% (${ev.correct}/${ev.count}), mean loss ${ev.meanLoss.toFixed(4)}, ${Math.round(ev.count / secs)} img/s\n`,
  );
  console.log('confusion matrix (rows: true class, columns: predicted):');
  console.log(formatConfusion(ev.confusion));
  model.dispose();
  return 0;
}
