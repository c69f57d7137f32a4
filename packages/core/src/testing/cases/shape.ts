/** reshape, expandDims, squeeze, flatten, transpose, slice, pad, concat, cast, oneHot. */
import { cast, oneHot } from '../../ops/cast.js';
import { expandDims, flatten, reshape, squeeze } from '../../ops/reshape.js';
import { concat, pad, slice, transpose } from '../../ops/transform.js';
import { stopGradient } from '../../autodiff/grad.js';
import { add, mul } from '../../ops/binary.js';
import { forward, gradCase, gradOf, type ConformanceCase } from './types.js';

export const shapeCases: ConformanceCase[] = [
  forward('reshape, expandDims, squeeze, flatten', (c) => {
    const x = c.rand([2, 3, 4]);
    return [
      reshape(x, [4, -1]),
      reshape(x, [24]),
      reshape(c.rand([1, 1]), []),
      reshape(c.rand([0, 3]), [3, 0, 1]),
      expandDims(x),
      expandDims(x, -1),
      expandDims(x, 2),
      squeeze(c.rand([1, 3, 1, 2])),
      squeeze(c.rand([1, 3, 1, 2]), [2]),
      flatten(x),
      flatten(c.rand([5])),
    ];
  }),
  forward('transpose', (c) => {
    const x = c.rand([2, 3, 4]);
    return [
      transpose(x),
      transpose(x, [1, 0, 2]),
      transpose(x, [0, 1, 2]),
      transpose(c.rand([2, 3, 4, 5]), [0, 2, 3, 1]),
      transpose(c.rand([17, 3])),
      transpose(c.randInt([3, 2], -9, 9)),
      transpose(c.rand([0, 3]), [1, 0]),
      transpose(c.rand([])),
    ];
  }),
  forward('slice', (c) => {
    const x = c.rand([4, 5, 3]);
    return [
      slice(x, [1, 0, 0], [2, 5, 3]),
      slice(x, [0, 2, 1], [-1, -1, 1]),
      slice(x, [3, 4, 2]),
      slice(x, [1, 1, 1], [0, 2, 2]),
      slice(c.randInt([6], 0, 9), [2], [3]),
    ];
  }),
  forward('pad', (c) => {
    const x = c.rand([2, 3]);
    return [
      pad(x, [
        [1, 2],
        [0, 3],
      ]),
      pad(
        x,
        [
          [0, 0],
          [2, 0],
        ],
        -1.5,
      ),
      pad(c.rand([1, 2, 2, 1]), [
        [0, 0],
        [1, 1],
        [0, 2],
        [1, 0],
      ]),
      pad(c.randInt([3], -5, 5), [[2, 1]], 7),
      pad(c.rand([0, 2]), [
        [1, 0],
        [0, 0],
      ]),
    ];
  }),
  forward('concat', (c) => [
    concat([c.rand([2, 3]), c.rand([1, 3]), c.rand([4, 3])]),
    concat([c.rand([2, 3]), c.rand([2, 1])], 1),
    concat([c.rand([2, 1, 3]), c.rand([2, 2, 3]), c.rand([2, 0, 3])], -2),
    concat([c.randInt([2, 2], -9, 9), c.randInt([2, 3], -9, 9)], -1),
    concat([c.rand([3])]),
  ]),
  forward('cast between float32 and int32 (truncates toward zero)', (c) => {
    const x = c.tensor([-2.7, -0.5, 0, 0.5, 2.7, 1e6, -3]);
    return [
      cast(x, 'int32'),
      cast(c.randInt([2, 3], -100, 100), 'float32'),
      cast(x, 'float32'),
      cast(c.randInt([2], 0, 3), 'int32'),
    ];
  }),
  forward('oneHot', (c) => [
    oneHot(c.tensor(new Int32Array([0, 2, 4, 1]), [4]), 5),
    oneHot(c.tensor(new Int32Array([-1, 5, 3]), [3]), 5),
    oneHot(c.tensor(new Int32Array([1, 0, 2, 2]), [2, 2]), 3, 0.9, -0.1),
    oneHot(c.tensor(new Int32Array([0]), [1]), 1),
  ]),
];

export const shapeGradCases: ConformanceCase[] = [
  gradOf('grad reshape', [[2, 3, 2]], (x) => mul(reshape(x, [3, 4]), reshape(x, [3, -1]))),
  gradOf('grad expandDims, squeeze, flatten', [[2, 1, 3]], (x) =>
    add(flatten(expandDims(squeeze(x), 1)), 0),
  ),
  gradOf('grad transpose 4-D', [[2, 3, 4, 1]], (x) => transpose(x, [2, 0, 3, 1])),
  gradOf('grad slice', [[4, 5]], (x) => slice(x, [1, 2], [2, -1])),
  gradOf('grad pad', [[2, 3]], (x) =>
    pad(
      x,
      [
        [1, 0],
        [2, 1],
      ],
      3,
    ),
  ),
  gradOf(
    'grad concat along axis 1 (same input twice)',
    [
      [2, 3],
      [2, 1],
    ],
    (a, b) => concat([a, b, a], 1),
  ),
  gradOf('grad cast float32 -> float32', [[3]], (x) => cast(x, 'float32')),
  {
    ...gradCase('grad stopGradient blocks the path', (c) => ({
      xs: [c.rand([2, 3])],
      f: (x) => mul(x, stopGradient(x)),
    })),
    notFiniteDifferences: 'stopGradient drops one path on purpose: the gradient is x, not 2x',
  },
];
