/** Shape helpers: sizes, strides, NumPy broadcasting, axis normalisation, validation. */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  BackendError,
  DisposedTensorError,
  DTypeError,
  ShapeError,
  TesseraError,
  formatShape,
} from './errors.js';
import {
  broadcastShapes,
  broadcastedAxes,
  checkShape,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  stridesOf,
} from './shape.js';

describe('shape helpers', () => {
  it('sizeOf and stridesOf', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
    expect(shapesEqual([1, 2], [1, 2])).toBe(true);
    expect(shapesEqual([1, 2], [2, 1])).toBe(false);
  });

  it('broadcastShapes follows NumPy, for every rank pattern', () => {
    const cases: [number[], number[], number[]][] = [
      [[], [], []],
      [[], [3, 4], [3, 4]],
      [[4], [3, 4], [3, 4]],
      [
        [3, 1],
        [1, 4],
        [3, 4],
      ],
      [
        [2, 1, 4],
        [3, 1],
        [2, 3, 4],
      ],
      [
        [2, 3, 1, 5],
        [3, 4, 1],
        [2, 3, 4, 5],
      ],
      [
        [0, 3],
        [1, 3],
        [0, 3],
      ],
      [
        [2, 0],
        [2, 1],
        [2, 0],
      ],
      [[1], [0], [0]],
    ];
    for (const [a, b, out] of cases) {
      expect(broadcastShapes('t', a, b)).toEqual(out);
      expect(broadcastShapes('t', b, a)).toEqual(out);
    }
  });

  it('a broadcast error names the op, both arguments, both shapes and the dimension', () => {
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(ShapeError);
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(
      "add: cannot broadcast 'a' [2, 3] with 'b' [4] (dimension -1 is 3 vs 4)",
    );
    expect(() => broadcastShapes('add', [0], [2])).toThrow(/dimension -1 is 0 vs 2/);
  });

  it('broadcastedAxes lists the axes a gradient must be summed over', () => {
    expect(broadcastedAxes([3, 4], [3, 4])).toEqual([]);
    expect(broadcastedAxes([4], [2, 3, 4])).toEqual([0, 1]);
    expect(broadcastedAxes([3, 1], [2, 3, 4])).toEqual([0, 2]);
    expect(broadcastedAxes([], [2, 3])).toEqual([0, 1]);
    expect(broadcastedAxes([1, 1], [1, 5])).toEqual([1]);
  });

  it('normalizeAxis / normalizeAxes', () => {
    expect(normalizeAxis('op', -1, 3)).toBe(2);
    expect(normalizeAxis('op', 0, 0)).toBe(0); // a scalar's axis 0 (used by expandDims)
    expect(() => normalizeAxis('sum', 3, 3)).toThrow(
      new ArgumentError("sum: 'axis' 3 is out of range for a rank-3 tensor"),
    );
    expect(() => normalizeAxis('sum', 1.5, 3)).toThrow(ArgumentError);
    expect(normalizeAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('op', [2, -3], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', [], 3)).toEqual([]);
    expect(() => normalizeAxes('max', [0, -2], 2)).toThrow(/max: 'axis' \[0,-2\] repeats an axis/);
  });

  it('checkShape rejects non-arrays, negatives, fractions and huge shapes', () => {
    expect(checkShape('zeros', 'shape', [2, 0])).toEqual([2, 0]);
    expect(() => checkShape('zeros', 'shape', 3)).toThrow(ArgumentError);
    expect(() => checkShape('zeros', 'shape', [2, -1])).toThrow(
      /zeros: 'shape' must hold non-negative integers, got \[2,-1\]/,
    );
    expect(() => checkShape('zeros', 'shape', [1.5])).toThrow(ShapeError);
    expect(() => checkShape('zeros', 'shape', [65536, 65536])).toThrow(
      /more than 2\^31-1 elements/,
    );
  });
});

describe('errors', () => {
  it('every typed error is a TesseraError with its own name', () => {
    for (const E of [ShapeError, DTypeError, BackendError, DisposedTensorError, ArgumentError]) {
      const e = new E('m');
      expect(e).toBeInstanceOf(TesseraError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
    }
    expect(formatShape([])).toBe('[]');
    expect(formatShape([2, 3])).toBe('[2, 3]');
  });
});
