/**
 * softmax, logSoftmax and the fused softmax cross-entropy, all stable for large logits
 * (the row maximum is subtracted before exponentiating).
 */
import { record } from '../autodiff/tape.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, opt } from '../options.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { oneHot } from './cast.js';
import { composite } from './composite.js';
import { checkClassLabels } from './labels.js';
import { backendOf, checkTensor, runOptional } from './dispatch.js';
import { reshape } from './reshape.js';
import { max, mean, sum } from './reduce.js';
import { transpose } from './transform.js';
import { exp, log, neg } from './unary.js';

/** Apply a last-axis function along `axis` by moving that axis last and back. */
function alongAxis(op: string, x: Tensor, axis: number, fn: (x: Tensor) => Tensor): Tensor {
  checkTensor(op, 'x', x);
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: 'x' must be float32, got ${x.dtype}`);
  if (x.rank === 0) throw new ShapeError(`${op}: 'x' must have at least one axis, got a scalar`);
  const a = normalizeAxis(op, axis, x.rank);
  if (a === x.rank - 1) return fn(x);
  const perm = x.shape.map((_, i) => i);
  perm[a] = x.rank - 1;
  perm[x.rank - 1] = a;
  const moved = transpose(x, perm);
  const y = fn(moved);
  const out = transpose(y, perm);
  moved.dispose();
  y.dispose();
  return out;
}

function lastAxisSoftmax(x: Tensor): Tensor {
  const size = x.shape[x.rank - 1];
  const outer = sizeOf(x.shape) / Math.max(size, 1);
  const y = runOptional(x.backend, 'Softmax', { x, outer, size }, x.shape, 'float32', () =>
    composite(() => {
      const e = exp(sub(x, max(x, -1, true)));
      return div(e, sum(e, -1, true));
    }),
  );
  record('softmax', [x], y, [y], (dy, [ys]) => [mul(ys, sub(dy, sum(mul(dy, ys), -1, true)))]);
  return y;
}

function lastAxisLogSoftmax(x: Tensor): Tensor {
  const size = x.shape[x.rank - 1];
  const outer = sizeOf(x.shape) / Math.max(size, 1);
  const y = runOptional(x.backend, 'LogSoftmax', { x, outer, size }, x.shape, 'float32', () =>
    composite(() => {
      const shifted = sub(x, max(x, -1, true));
      return sub(shifted, log(sum(exp(shifted), -1, true)));
    }),
  );
  record('logSoftmax', [x], y, [y], (dy, [ys]) => [sub(dy, mul(exp(ys), sum(dy, -1, true)))]);
  return y;
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return alongAxis('softmax', x, axis, lastAxisSoftmax);
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return alongAxis('logSoftmax', x, axis, lastAxisLogSoftmax);
}

export interface SoftmaxCrossEntropyOptions {
  /** 'mean' (default) over the batch, 'sum', or 'none' for the per-example losses [N]. */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy of softmax(logits) against integer class labels, fused for stability.
 * logits float32 [N, K], labels int32 [N] in [0, K). An out-of-range label is an ArgumentError:
 * at once for labels uploaded from the host, on the first read of the loss for labels computed
 * on the device (see labels.ts).
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const op = 'softmaxCrossEntropy';
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'labels', labels);
  if (logits.dtype !== 'float32')
    throw new DTypeError(`${op}: 'logits' must be float32, got ${logits.dtype}`);
  if (labels.dtype !== 'int32')
    throw new DTypeError(`${op}: 'labels' must be int32, got ${labels.dtype}`);
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `${op}: expected logits [N, K] and labels [N], got logits ${formatShape(logits.shape)} ` +
        `and labels ${formatShape(labels.shape)}`,
    );
  }
  checkOptions(op, options, { reduction: opt.oneOf('mean', 'sum', 'none') });
  const reduction = options.reduction ?? 'mean';
  const backend = backendOf(op, logits, labels);
  const labelCheck = checkClassLabels(op, labels, logits.shape[1], logits.shape);
  const [n, k] = logits.shape;
  const perExample = runOptional(
    backend,
    'SoftmaxCrossEntropy',
    { logits, labels },
    [n],
    'float32',
    () =>
      composite(() => {
        const hot = oneHot(labels, k);
        const nll = neg(sum(mul(hot, lastAxisLogSoftmax(logits)), -1));
        // 0/valid is 0 for a valid label and NaN for an out-of-range one.
        return add(nll, div(0, sum(hot, -1)));
      }),
  );
  record(op, [logits, labels], perExample, [logits, labels], (dy, [sl, slab]) => [
    softmaxCrossEntropyGrad(sl, slab, dy),
    null,
  ]);
  if (reduction === 'none') return labelCheck(perExample);
  const out = reduction === 'mean' ? mean(perExample) : sum(perExample);
  perExample.dispose();
  return labelCheck(out);
}

/** d(per-example loss)/d logits scaled by dy [N]: (softmax - onehot) * dy. */
function softmaxCrossEntropyGrad(logits: Tensor, labels: Tensor, dy: Tensor): Tensor {
  const [n, k] = logits.shape;
  return runOptional(
    logits.backend,
    'SoftmaxCrossEntropyGrad',
    { logits, labels, dy },
    [n, k],
    'float32',
    () =>
      composite(() => {
        const hot = oneHot(labels, k);
        const g = sub(lastAxisSoftmax(logits), hot);
        const nanIfInvalid = div(0, reshape(sum(hot, -1), [n, 1]));
        return mul(add(g, nanIfInvalid), reshape(dy, [n, 1]));
      }),
  );
}
