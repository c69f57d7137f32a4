/**
 * Class labels must lie in [0, numClasses): an out-of-range label would otherwise turn a loss
 * into NaN (or, in a gradient, into a silently wrong update). Labels uploaded from the host are
 * checked at once from the range the engine noted at upload; labels computed on the device are
 * checked there, alongside the loss, and reported when the loss is first read, so the hot path
 * never waits on a device-to-host round trip.
 */
import { noGrad } from '../autodiff/tape.js';
import { hostRangeOf, keep, tidy } from '../engine.js';
import { ArgumentError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, greater } from './binary.js';
import { sum } from './reduce.js';

/**
 * Validate int32 `labels` against `numClasses`. Throws now when the values are known on the
 * host; otherwise returns a function that attaches the device-side check to the op's result.
 */
export function checkClassLabels(
  op: string,
  labels: Tensor,
  numClasses: number,
  logitsShape: readonly number[],
): (result: Tensor) => Tensor {
  const where = `for logits ${formatShape(logitsShape)} (${numClasses} classes)`;
  const range = hostRangeOf(labels);
  if (range) {
    const [min, max] = range;
    const bad = min < 0 ? min : max >= numClasses ? max : undefined;
    if (bad !== undefined) {
      throw new ArgumentError(`${op}: label ${bad} is outside [0, ${numClasses}) ${where}`);
    }
    return (result) => result;
  }
  return (result) => {
    const outside = keep(
      noGrad(() => tidy(() => sum(add(greater(0, labels), greater(labels, numClasses - 1))))),
    );
    result.attachReadCheck(outside, (count) =>
      count > 0
        ? `${op}: ${count} of the ${labels.size} labels are outside [0, ${numClasses}) ${where}`
        : undefined,
    );
    return result;
  };
}
