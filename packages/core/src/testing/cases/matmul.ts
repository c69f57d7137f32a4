/** matmul: 2-D, every transpose combination, odd sizes, batched with batch broadcasting. */
import { matmul } from '../../ops/matmul.js';
import { forward, gradOf, type ConformanceCase } from './types.js';

/** [a shape, b shape, transposeA, transposeB] */
const products: [number[], number[], boolean, boolean][] = [
  [[1, 1], [1, 1], false, false],
  [[3, 17], [17, 33], false, false],
  [[33, 1], [1, 3], false, false],
  [[1, 17], [17, 1], false, false],
  [[5, 7], [5, 3], true, false],
  [[7, 5], [3, 5], false, true],
  [[5, 7], [3, 5], true, true],
  [[2, 3, 4], [2, 4, 5], false, false],
  [[3, 4], [2, 4, 5], false, false],
  [[2, 3, 4], [4, 5], false, false],
  [[2, 1, 3, 4], [3, 4, 5], false, false],
  [[1, 3, 4], [2, 1, 4, 5], false, false],
  [[2, 4, 3], [2, 5, 4], true, true],
  [[3, 2, 4, 3], [1, 2, 4, 5], true, false],
  [[0, 3], [3, 4], false, false],
  [[3, 0], [0, 4], false, false],
  [[2, 0, 3], [3, 2], false, false],
];

const name = ([a, b, ta, tb]: (typeof products)[number]) =>
  `[${a}]${ta ? 'ᵀ' : ''} @ [${b}]${tb ? 'ᵀ' : ''}`;

export const matmulCases: ConformanceCase[] = products.map((p) =>
  forward(`matmul ${name(p)}`, (c) =>
    matmul(c.rand(p[0]), c.rand(p[1]), { transposeA: p[2], transposeB: p[3] }),
  ),
);

export const matmulGradCases: ConformanceCase[] = [
  gradOf(
    'grad matmul [3,4] @ [4,5]',
    [
      [3, 4],
      [4, 5],
    ],
    (a, b) => matmul(a, b),
  ),
  gradOf(
    'grad matmul transposeA',
    [
      [4, 3],
      [4, 5],
    ],
    (a, b) => matmul(a, b, { transposeA: true }),
  ),
  gradOf(
    'grad matmul transposeB',
    [
      [3, 4],
      [5, 4],
    ],
    (a, b) => matmul(a, b, { transposeB: true }),
  ),
  gradOf(
    'grad matmul both transposed',
    [
      [4, 3],
      [5, 4],
    ],
    (a, b) => matmul(a, b, { transposeA: true, transposeB: true }),
  ),
  gradOf(
    'grad matmul batch broadcast [3,4] @ [2,4,5]',
    [
      [3, 4],
      [2, 4, 5],
    ],
    (a, b) => matmul(a, b),
  ),
  gradOf(
    'grad matmul partial batch broadcast [2,1,3,4] @ [3,4,2]',
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    (a, b) => matmul(a, b),
  ),
];
