/**
 * One training step, the pattern every loop here uses:
 *   tidy {
 *     loss, grads = valueAndGrad(params -> loss(model(x), y))   (the tape watches the parameters)
 *     optimizer.step(model, grads)                              (under noGrad; old parameters disposed)
 *   }
 * Everything else made during the step dies with the tidy, so memory stays flat.
 */
import { argmax, equal, keep, noGrad, sum, tidy, valueAndGrad, type Tensor } from '@tessera/core';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';
import { crossEntropy, type LossFunction } from './losses.js';

export interface TrainStepOptions {
  /** Default: crossEntropy (logits, int32 labels). */
  loss?: LossFunction;
  /** Also count correct argmax predictions (needs int32 class labels; default true for crossEntropy). */
  countCorrect?: boolean;
}

export interface TrainStepResult {
  /** The loss before the update (float32 scalar). The caller owns it. */
  readonly loss: Tensor;
  /** Correct predictions in the batch (float32 scalar), when counted. The caller owns it. */
  readonly correct?: Tensor;
}

/** Number of rows of logits [N, K] whose argmax equals the int32 label [N] (float32 scalar). */
export function countCorrect(logits: Tensor, labels: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const predicted = argmax(logits, -1);
      return sum(equal(predicted, labels));
    }),
  );
}

export function trainStep(
  model: Module,
  optimizer: Optimizer,
  x: Tensor,
  target: Tensor,
  options: TrainStepOptions = {},
): TrainStepResult {
  const lossFn = options.loss ?? crossEntropy;
  const wantCorrect =
    options.countCorrect ?? (options.loss === undefined && target.dtype === 'int32');
  // Allocate any lazy parameters now, outside the tape, so the tape watches them.
  const params = model.parameters();
  let correct: Tensor | undefined;
  try {
    return tidy(() => {
      const { value, grads } = valueAndGrad(() => {
        const output = model.forward(x);
        if (wantCorrect) correct = keep(countCorrect(output, target));
        return lossFn(output, target);
      })(...params);
      optimizer.step(model, grads);
      return correct ? { loss: value, correct } : { loss: value };
    });
  } catch (err) {
    // `correct` is kept out of the tidy so it can be returned; free it when the step fails.
    correct?.dispose();
    throw err;
  }
}
