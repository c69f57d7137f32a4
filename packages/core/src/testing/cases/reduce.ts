/** sum, mean, max, min (axis lists, keepDims, non-adjacent axes) and argmax. */
import { argmax, max, mean, min, sum, type Axis } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';
import { forward, gradOf, type ConformanceCase } from './types.js';

const reductions: [number[], Axis | undefined][] = [
  [[17], undefined],
  [[3, 4], undefined],
  [[3, 4], 0],
  [[3, 4], -1],
  [
    [2, 3, 4],
    [0, 2],
  ],
  [
    [2, 3, 4],
    [1, 2],
  ],
  [
    [2, 3, 4],
    [2, 0],
  ],
  [
    [2, 3, 4, 5],
    [1, 3],
  ],
  [
    [2, 3, 4, 5],
    [0, 3],
  ],
  [
    [2, 3, 4, 5],
    [0, 1, 2, 3],
  ],
  [
    [1, 5, 1],
    [0, 2],
  ],
  [[3, 1, 2], 1],
  [[], undefined],
  [[4, 3], []],
];

const fmtAxis = (a: Axis | undefined) => (a === undefined ? 'all' : JSON.stringify(a));

const all = (x: Tensor, axis: Axis | undefined, keepDims: boolean) => [
  sum(x, axis, keepDims),
  mean(x, axis, keepDims),
  max(x, axis, keepDims),
  min(x, axis, keepDims),
];

export const reduceCases: ConformanceCase[] = [
  ...reductions.flatMap(([shape, axis]) =>
    [false, true].map((keepDims) =>
      forward(`reduce [${shape}] axis ${fmtAxis(axis)}${keepDims ? ' keepDims' : ''}`, (c) =>
        all(c.rand(shape, -3, 3), axis, keepDims),
      ),
    ),
  ),
  forward('int32 sum, max, min', (c) => {
    const x = c.randInt([3, 4, 2], -50, 50);
    return [sum(x), sum(x, [0, 2]), max(x, 1, true), min(x, -1)];
  }),
  forward('sum over a size-0 axis gives zeros', (c) => [
    sum(c.rand([3, 0]), 1),
    sum(c.rand([0, 2]), 0, true),
    sum(c.rand([0])),
  ]),
  forward('argmax along each axis, with keepDims', (c) => {
    const x = c.rand([3, 4, 5]);
    return [
      argmax(x),
      argmax(x, 0),
      argmax(x, 1, true),
      argmax(x, -2),
      argmax(c.rand([17])),
      argmax(c.rand([1, 1]), 1),
    ];
  }),
  forward('argmax ties pick the first maximum; int32 input', (c) => [
    argmax(c.tensor([1, 3, 3, 0, 2, 2, 2, -1], [2, 4])),
    argmax(c.tensor(new Int32Array([5, 5, 1, 7, 7, 7]), [2, 3]), 1),
    argmax(c.tensor([4, 4, 4, 4], [4, 1]), 0),
  ]),
];

export const reduceGradCases: ConformanceCase[] = [
  gradOf('grad sum all', [[3, 4]], (x) => sum(x)),
  gradOf('grad sum non-adjacent axes [0,2]', [[2, 3, 4]], (x) => sum(x, [0, 2])),
  gradOf('grad sum keepDims', [[2, 3, 4]], (x) => sum(x, 1, true)),
  gradOf('grad mean axes [1,3]', [[2, 3, 2, 3]], (x) => mean(x, [1, 3])),
  gradOf('grad mean all', [[5]], (x) => mean(x)),
  gradOf('grad max axis -1', [[3, 5]], (x) => max(x, -1)),
  gradOf('grad max non-adjacent keepDims', [[2, 3, 4]], (x) => max(x, [0, 2], true)),
  gradOf('grad min axis 0', [[4, 3]], (x) => min(x, 0)),
];
