/** Loss functions: cross-entropy from logits with integer labels, and mean squared error. */
import {
  ArgumentError,
  DTypeError,
  ShapeError,
  formatShape,
  mean,
  softmaxCrossEntropy,
  square,
  sub,
  sum,
  type Tensor,
} from '@tessera/core';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  reduction?: Reduction;
}

function reductionOf(op: string, options: LossOptions): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new ArgumentError(
      `${op}: 'reduction' must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`,
    );
  }
  return r;
}

/**
 * Softmax cross-entropy of logits [N, K] against int32 labels [N] in [0, K), computed stably
 * (fused in core). A label outside [0, K) is an error naming the label and the class count.
 */
export function crossEntropy(logits: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  return softmaxCrossEntropy(logits, labels, { reduction: reductionOf('crossEntropy', options) });
}

/** Mean squared error between prediction and target of the same shape. */
export function mse(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = 'mse';
  const reduction = reductionOf(op, options);
  if (prediction.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new DTypeError(
      `${op}: prediction and target must be float32, got ${prediction.dtype} and ${target.dtype}`,
    );
  }
  const same =
    prediction.shape.length === target.shape.length &&
    prediction.shape.every((d, i) => d === target.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${op}: prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)} must have the same shape`,
    );
  }
  const diff = sub(prediction, target);
  const sq = square(diff);
  diff.dispose();
  if (reduction === 'none') return sq;
  const out = reduction === 'mean' ? mean(sq) : sum(sq);
  sq.dispose();
  return out;
}

export type LossFunction = (output: Tensor, target: Tensor) => Tensor;
