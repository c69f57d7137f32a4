/** tensor, scalar, zeros, ones, fill, *Like, range, randomNormal, randomUniform. */
import {
  fill,
  ones,
  onesLike,
  range,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from '../../ops/creation.js';
import { randomNormal, randomUniform } from '../../random.js';
import { forward, type ConformanceCase } from './types.js';

export const creationCases: ConformanceCase[] = [
  forward('tensor from nested arrays', () => [
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    tensor([[[-1.5]], [[2.25]]]),
    tensor([7, -8, 9], undefined, 'int32'),
    tensor(3.5),
    tensor([]),
  ]),
  forward('tensor from typed arrays with a shape', () => [
    tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]),
    tensor(new Int32Array([-3, 0, 2147483647, -2147483648]), [2, 2]),
    tensor(new Float32Array([1.9, -1.9]), [2], 'int32'),
    tensor([1, 2, 3, 4], [2, 1, 2]),
  ]),
  forward('scalar', () => [scalar(-0.125), scalar(42, 'int32')]),
  forward('zeros, ones, fill in every rank, size-0 and size-1 shapes', () => [
    zeros([]),
    zeros([2, 3]),
    ones([1]),
    ones([2, 1, 3], 'int32'),
    fill([3, 0, 2], 5),
    fill([1, 1, 1, 1], -2.5),
    fill([4], 7.9, 'int32'),
  ]),
  forward('zerosLike and onesLike keep shape and dtype', (c) => [
    zerosLike(c.rand([2, 3])),
    onesLike(c.randInt([3, 1], -5, 5)),
    onesLike(c.rand([0, 4])),
  ]),
  forward('range', () => [
    range(5),
    range(2, 11, 3),
    range(5, 0, -1.5),
    range(0, 1, 0.25),
    range(3, 3),
    range(-4, 4, 3, 'int32'),
  ]),
  forward('randomNormal and randomUniform with a seed are the same on every backend', () => [
    randomNormal([17], 0, 1, { seed: 7 }),
    randomNormal([3, 3], 2, 0.5, { seed: 123 }),
    randomUniform([2, 5], -3, 3, { seed: 99 }),
    randomUniform([1], 0, 1, { seed: 0 }),
  ]),
];
