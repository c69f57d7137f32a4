/** maxPool2d and avgPool2d: non-overlapping, overlapping, padded, 'same', rectangular windows. */
import { avgPool2d, maxPool2d, type PoolOptions } from '../../ops/pool.js';
import { forward, gradOf, type ConformanceCase } from './types.js';

const pools: [number[], PoolOptions][] = [
  [[2, 3, 6, 6], { kernelSize: 2 }],
  [[2, 3, 7, 7], { kernelSize: 2 }],
  [[1, 2, 7, 7], { kernelSize: 3, stride: 2, padding: 1 }],
  [[1, 2, 6, 5], { kernelSize: 3, stride: 1, padding: 'same' }],
  [[1, 2, 7, 7], { kernelSize: 2, stride: 2, padding: 'same' }],
  [[2, 1, 5, 8], { kernelSize: [2, 3], stride: [1, 2] }],
  [[1, 1, 4, 4], { kernelSize: 4 }],
  [[1, 2, 5, 5], { kernelSize: [3, 1], stride: [2, 1], padding: [1, 0] }],
];

const label = ([x, o]: (typeof pools)[number]) => `x [${x}] ${JSON.stringify(o)}`;

export const poolCases: ConformanceCase[] = [
  ...pools.map((p) =>
    forward(`maxPool2d and avgPool2d ${label(p)}`, (c) => {
      const x = c.rand(p[0], -3, 3);
      return [maxPool2d(x, p[1]), avgPool2d(x, p[1])];
    }),
  ),
  forward('maxPool2d: padding never wins over all-negative input', (c) => {
    const x = c.rand([1, 2, 5, 5], -3, -1);
    return [
      maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
      maxPool2d(x, { kernelSize: 2, padding: 'same' }),
    ];
  }),
];

export const poolGradCases: ConformanceCase[] = [
  gradOf('grad maxPool2d non-overlapping', [[2, 2, 4, 4]], (x) => maxPool2d(x, { kernelSize: 2 })),
  gradOf('grad maxPool2d overlapping with padding', [[1, 2, 5, 5]], (x) =>
    maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
  ),
  gradOf('grad avgPool2d same', [[1, 2, 5, 4]], (x) =>
    avgPool2d(x, { kernelSize: 2, stride: 1, padding: 'same' }),
  ),
  gradOf('grad avgPool2d overlapping with padding', [[2, 1, 5, 5]], (x) =>
    avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
  ),
];
