/** Evaluation: predictions, accuracy, mean loss and the confusion matrix over a dataset. */
import { ArgumentError, argmax, noGrad, tidy, type Tensor } from '@tessera/core';
import type { Module } from './module.js';
import type { Dataset } from './data/dataset.js';
import { batches } from './data/batches.js';
import { crossEntropy } from './losses.js';
import { formatCount, renderTable } from './format.js';

export interface Evaluation {
  readonly count: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly meanLoss: number;
  /** confusion[true][predicted] counts. */
  readonly confusion: number[][];
}

/** Predicted class per row of the model's logits. */
export async function predict(model: Module, x: Tensor): Promise<Int32Array> {
  const classes = noGrad(() => tidy(() => argmax(model.forward(x), -1)));
  try {
    return (await classes.data()) as Int32Array;
  } finally {
    classes.dispose();
  }
}

/** Run the model over a whole dataset in eval mode (restores the previous mode after). */
export async function evaluate(
  model: Module,
  data: Dataset,
  options: { batchSize?: number } = {},
): Promise<Evaluation> {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new ArgumentError(`evaluate: 'batchSize' must be a positive integer`);
  const k = data.numClasses;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  try {
    for (const batch of batches(data, { batchSize, shuffle: false })) {
      try {
        const [classes, loss] = noGrad(() =>
          tidy(() => {
            const logits = model.forward(batch.x);
            return [argmax(logits, -1), crossEntropy(logits, batch.y, { reduction: 'sum' })];
          }),
        );
        const predicted = (await classes.data()) as Int32Array;
        lossSum += (await loss.data())[0];
        classes.dispose();
        loss.dispose();
        for (let i = 0; i < batch.size; i++) {
          const truth = batch.labels[i];
          const guess = predicted[i];
          if (guess === truth) correct++;
          if (guess >= 0 && guess < k) confusion[truth][guess]++;
        }
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
  } finally {
    if (wasTraining) model.train();
  }
  const count = data.size;
  return {
    count,
    correct,
    accuracy: count ? correct / count : NaN,
    meanLoss: count ? lossSum / count : NaN,
    confusion,
  };
}

/** The confusion matrix as a table: rows are true classes, columns predictions. */
export function formatConfusion(
  confusion: readonly (readonly number[])[],
  classNames?: readonly string[],
): string {
  const names = classNames ?? confusion.map((_, i) => String(i));
  const header = ['true\\pred', ...names, 'recall'];
  const rows = confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return [
      names[i],
      ...row.map(formatCount),
      total ? `${((row[i] / total) * 100).toFixed(1)}%` : '-',
    ];
  });
  return renderTable(
    header,
    rows,
    header.map((_, i) => (i === 0 ? 'left' : 'right')),
  );
}
