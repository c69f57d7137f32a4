/**
 * conv2d over stride / padding / dilation combinations, im2col / col2im, locallyConnected2d
 * and biasAdd. Sizes stay tiny (N <= 2, C <= 3, H, W <= 9): software GPU adapters run these.
 */
import { biasAdd } from '../../ops/bias.js';
import {
  col2im,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dGeometry,
  im2col,
  locallyConnected2d,
  type Conv2DOptions,
} from '../../ops/conv.js';
import { forward, gradCase, gradOf, type ConformanceCase } from './types.js';

/** [x shape, w shape, options] */
const convs: [number[], number[], Conv2DOptions][] = [
  [[2, 3, 7, 7], [4, 3, 3, 3], {}],
  [[2, 3, 7, 7], [4, 3, 3, 3], { padding: 'same' }],
  [[2, 3, 7, 7], [2, 3, 3, 3], { stride: 2, padding: 'same' }],
  [[2, 3, 8, 8], [2, 3, 3, 3], { stride: 2, padding: 'same' }],
  [[1, 3, 7, 7], [2, 3, 3, 3], { stride: 2, padding: 'valid' }],
  [[1, 2, 6, 5], [3, 2, 3, 3], { padding: 1 }],
  [[1, 2, 6, 5], [3, 2, 3, 3], { padding: [1, 2] }],
  [[1, 2, 9, 9], [2, 2, 3, 3], { dilation: 2 }],
  [[1, 2, 9, 8], [2, 2, 3, 3], { dilation: 2, padding: 'same' }],
  [[2, 2, 7, 6], [3, 2, 3, 2], { stride: [2, 1], padding: [0, 1], dilation: [1, 2] }],
  [[2, 3, 5, 5], [4, 3, 1, 1], {}],
  [[2, 3, 5, 5], [2, 3, 1, 1], { stride: 2 }],
  [[1, 2, 6, 6], [2, 2, 2, 2], { padding: 'same' }],
  [[1, 1, 9, 7], [2, 1, 4, 2], { stride: 3, padding: 'same' }],
  [[1, 1, 9, 5], [2, 1, 3, 2], {}],
  [[2, 2, 1, 1], [3, 2, 1, 1], {}],
  [[1, 2, 4, 4], [2, 2, 4, 4], {}],
];

const label = ([x, w, o]: (typeof convs)[number]) => `x [${x}] w [${w}] ${JSON.stringify(o)}`;

export const convCases: ConformanceCase[] = [
  ...convs.map((cv) =>
    forward(`conv2d ${label(cv)}`, (c) => conv2d(c.rand(cv[0]), c.rand(cv[1]), cv[2])),
  ),
  forward('im2col with stride, padding and dilation', (c) => {
    const x = c.rand([2, 2, 5, 5]);
    return [
      im2col(x, 3, { stride: 2, padding: 1 }),
      im2col(x, [2, 3], { dilation: [2, 1] }),
      im2col(x, 1),
      im2col(c.randInt([1, 1, 3, 3], -9, 9), 2),
    ];
  }),
  forward('col2im sums overlapping patches', (c) => [
    col2im(c.rand([2, 18, 9]), [2, 2, 5, 5], 3, { stride: 2, padding: 1 }),
    col2im(c.rand([1, 4, 9]), [1, 1, 4, 4], 2, { stride: 1 }),
    col2im(c.rand([1, 6, 2]), [1, 1, 5, 3], [3, 2], { stride: [2, 1], dilation: [1, 2] }),
  ]),
  forward('locallyConnected2d', (c) => [
    locallyConnected2d(c.rand([2, 2, 5, 5]), c.rand([3, 3, 3, 2, 3, 3])),
    locallyConnected2d(c.rand([1, 3, 5, 4]), c.rand([3, 2, 2, 3, 3, 3]), { stride: 2, padding: 1 }),
    locallyConnected2d(c.rand([2, 1, 3, 3]), c.rand([3, 3, 2, 1, 1, 1])),
  ]),
  forward('conv2dBackpropInput and conv2dBackpropFilter called directly', (c) => {
    const x = c.rand([2, 2, 6, 5]);
    const w = c.rand([3, 2, 3, 2]);
    const g = conv2dGeometry('conv2d', x, w, { stride: [2, 1], padding: 'same', dilation: [1, 2] });
    const dy = c.rand([g.batch, g.outChannels, g.outH, g.outW]);
    return [conv2dBackpropInput(dy, w, g), conv2dBackpropFilter(x, dy, g)];
  }),
  forward('biasAdd with and without relu', (c) => [
    biasAdd(c.rand([2, 3, 4, 4]), c.rand([3])),
    biasAdd(c.rand([2, 3, 4, 4]), c.rand([3]), { relu: true }),
    biasAdd(c.rand([5, 3]), c.rand([3]), { relu: true }),
    biasAdd(c.rand([2, 3, 4]), c.rand([4]), { axis: -1 }),
    biasAdd(c.rand([1, 1]), c.rand([1]), { relu: true }),
  ]),
];

export const convGradCases: ConformanceCase[] = [
  gradOf(
    'grad conv2d valid',
    [
      [2, 2, 5, 5],
      [3, 2, 3, 3],
    ],
    (x, w) => conv2d(x, w),
  ),
  gradOf(
    'grad conv2d same stride 2',
    [
      [1, 2, 6, 6],
      [2, 2, 3, 3],
    ],
    (x, w) => conv2d(x, w, { stride: 2, padding: 'same' }),
  ),
  gradOf(
    'grad conv2d dilation and padding pair',
    [
      [1, 2, 7, 6],
      [2, 2, 3, 2],
    ],
    (x, w) => conv2d(x, w, { dilation: [2, 1], padding: [1, 2], stride: [1, 2] }),
  ),
  gradOf(
    'grad conv2d 1x1',
    [
      [2, 3, 3, 3],
      [2, 3, 1, 1],
    ],
    (x, w) => conv2d(x, w),
  ),
  gradOf('grad im2col', [[1, 2, 4, 4]], (x) => im2col(x, 3, { padding: 1, stride: 2 })),
  gradOf('grad col2im', [[1, 8, 9]], (cols) => col2im(cols, [1, 2, 4, 4], 2, { stride: 1 })),
  gradOf(
    'grad locallyConnected2d',
    [
      [2, 2, 4, 4],
      [2, 2, 2, 2, 3, 3],
    ],
    (x, w) => locallyConnected2d(x, w),
  ),
  gradOf('grad biasAdd with relu', [[2, 3, 2, 2], [3]], (x, b) => biasAdd(x, b, { relu: true })),
  gradCase('grad biasAdd along the last axis', (c) => ({
    xs: [c.rand([2, 3, 4]), c.rand([4])],
    f: (x, b) => biasAdd(x, b, { axis: -1 }),
  })),
];
