/** `tessera summary`: a model's layer table, or the lecture's connectivity comparison. */
import { MODELS, compareConnectivity, isModelName, summary } from '@tessera/layers';
import { helpText, UsageError, type Command, type OptionValues } from '../args.js';
import { parseInputShape } from '../model-meta.js';
import { reportErrors } from '../report-errors.js';

export const summaryCommand: Command = {
  name: 'summary',
  summary: "Print a model's layers, output shapes and parameter counts (or --compare-connectivity)",
  options: [
    {
      name: 'model',
      type: 'string',
      description: `model: ${Object.keys(MODELS).join(', ')}`,
      default: 'lenet',
    },
    { name: 'input', type: 'string', description: 'one example as C,H,W', default: '1,28,28' },
    { name: 'classes', type: 'number', description: 'number of output classes', default: 10 },
    {
      name: 'compare-connectivity',
      type: 'boolean',
      description:
        'fully connected vs locally connected vs convolutional on a 200x200 image (parameter counts)',
    },
  ],
  help() {
    return helpText(this);
  },
  run(options) {
    return reportErrors('summary', async () => print(options));
  },
};

function print(options: OptionValues): number {
  if (options['compare-connectivity']) {
    console.log(compareConnectivity().text);
    console.log("\nCounts come from the layers' declared parameter shapes; nothing is allocated.");
    return 0;
  }
  const name = String(options.model);
  if (!isModelName(name))
    throw new UsageError(`unknown model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
  const inputShape = parseInputShape(String(options.input), '--input');
  const classes = Number(options.classes);
  if (!Number.isInteger(classes) || classes < 2)
    throw new UsageError(`--classes must be an integer >= 2`);
  const model = MODELS[name].build({ inputShape, numClasses: classes });
  console.log(`${name}: ${MODELS[name].description}\n`);
  console.log(summary(model, inputShape).text);
  return 0;
}
