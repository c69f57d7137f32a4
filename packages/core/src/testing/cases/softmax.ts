/** softmax and logSoftmax along any axis; softmax cross-entropy (stable at 1e4, every reduction). */
import { add, sub } from '../../ops/binary.js';
import { logSoftmax, softmax, softmaxCrossEntropy } from '../../ops/softmax.js';
import { forward, gradCase, gradOf, type ConformanceCase } from './types.js';

export const softmaxCases: ConformanceCase[] = [
  forward('softmax and logSoftmax along every axis', (c) => {
    const x = c.rand([3, 4, 5], -4, 4);
    return [
      softmax(x),
      softmax(x, 0),
      softmax(x, 1),
      logSoftmax(x),
      logSoftmax(x, 0),
      logSoftmax(x, -2),
    ];
  }),
  forward(
    'softmax and logSoftmax of 1-D, size-1 and large logits',
    (c) => {
      // Large logits made on the host: float32-exact on every backend (no on-device rounding).
      const big = c.rand([2, 7], -1e4, 1e4);
      return [
        softmax(c.rand([17])),
        logSoftmax(c.rand([1])),
        softmax(c.rand([4, 1])),
        softmax(big),
        logSoftmax(big),
      ];
    },
    10,
  ),
  forward('softmaxCrossEntropy with every reduction', (c) => {
    const logits = c.rand([5, 7], -3, 3);
    const labels = c.randInt([5], 0, 7);
    return [
      softmaxCrossEntropy(logits, labels),
      softmaxCrossEntropy(logits, labels, { reduction: 'sum' }),
      softmaxCrossEntropy(logits, labels, { reduction: 'none' }),
    ];
  }),
  forward(
    'softmaxCrossEntropy is stable for logits of magnitude 1e4',
    (c) => {
      const logits = c.rand([4, 6], -1e4, 1e4);
      const labels = c.randInt([4], 0, 6);
      return [
        softmaxCrossEntropy(logits, labels, { reduction: 'none' }),
        softmaxCrossEntropy(logits, labels),
      ];
      // Losses near 0 next to logits near 1e4: a float32 kernel is allowed about 1e-3 absolute.
    },
    100,
  ),
  forward('softmaxCrossEntropy with labels computed on the device', (c) => {
    // No host-known range: the label check runs beside the loss and passes on read.
    const labels = c.track(sub(c.tensor(new Int32Array([3, 5, 4]), [3]), 2));
    return softmaxCrossEntropy(c.rand([3, 4]), labels, { reduction: 'none' });
  }),
];

export const softmaxGradCases: ConformanceCase[] = [
  gradOf('grad softmax last axis', [[3, 5]], (x) => softmax(x)),
  gradOf('grad softmax axis 0', [[4, 3]], (x) => softmax(x, 0)),
  gradOf('grad logSoftmax axis 1 of 3-D', [[2, 3, 4]], (x) => logSoftmax(x, 1)),
  gradCase('grad softmaxCrossEntropy mean', (c) => {
    const labels = c.randInt([4], 0, 5);
    return { xs: [c.rand([4, 5], -2, 2)], f: (x) => softmaxCrossEntropy(x, labels) };
  }),
  gradCase('grad softmaxCrossEntropy none', (c) => {
    const labels = c.randInt([3], 0, 4);
    return {
      xs: [c.rand([3, 4], -2, 2)],
      f: (x) => softmaxCrossEntropy(x, labels, { reduction: 'none' }),
    };
  }),
  gradCase(
    'grad softmaxCrossEntropy sum, logits near 1e4',
    (c) => {
      const labels = c.randInt([3], 0, 4);
      const offset = c.tensor([1e4, -1e4, 5e3], [3, 1]);
      return {
        // Multiples of 2^-10 keep x + offset exact in float32 (the ulp of 1e4 is 2^-10).
        xs: [c.rand([3, 4], -2, 2, 2 ** -10)],
        f: (x) => softmaxCrossEntropy(add(x, offset), labels, { reduction: 'sum' }),
      };
    },
    10,
  ),
];
