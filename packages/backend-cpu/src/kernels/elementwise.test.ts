import type { BinaryOp, UnaryOp } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import {
  broadcastAt,
  expectClose,
  put,
  randF32,
  randI32,
  run,
  sizeOf,
  testBackend,
  unravel,
} from '../test-utils.js';

const unaryRef: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  square: (x) => x * x,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
  step: (x) => (x > 0 ? 1 : 0),
};

const binaryRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  greater: (a, b) => (a > b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
};

/** Broadcast result computed element by element from multi-indices. */
function naiveBinary(
  op: BinaryOp,
  a: ArrayLike<number>,
  as: number[],
  b: ArrayLike<number>,
  bs: number[],
  out: number[],
): Float64Array {
  const y = new Float64Array(sizeOf(out));
  for (let i = 0; i < y.length; i++) {
    const idx = unravel(i, out);
    y[i] = binaryRef[op](a[broadcastAt(idx, as)], b[broadcastAt(idx, bs)]);
  }
  return y;
}

function outShapeOf(a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

describe('Unary', () => {
  const ops = Object.keys(unaryRef) as UnaryOp[];
  it.each(ops)('%s matches float64 on float32, odd sizes', (op) => {
    const b = testBackend();
    for (const shape of [[1], [7], [3, 5, 2], [0, 4]]) {
      const lo = op === 'log' || op === 'sqrt' ? 0.01 : -3;
      const v = randF32(sizeOf(shape), 5, lo, 3);
      if (v.length > 2) v[1] = 0; // relu/step at exactly 0
      const x = put(b, v, shape);
      expectClose(run(b, 'Unary', { op, x }), Array.from(v, unaryRef[op]));
      b.disposeData(x.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('keeps int32, truncating results and wrapping squares like int32', () => {
    const b = testBackend();
    const v = new Int32Array([-7, 0, 3, 65536, 46341]);
    const x = put(b, v, [5]);
    const sq = run(b, 'Unary', { op: 'square', x });
    expect(sq).toBeInstanceOf(Int32Array);
    expect([...sq]).toEqual([49, 0, 9, 0, Math.imul(46341, 46341)]);
    expect([...run(b, 'Unary', { op: 'sqrt', x })]).toEqual([0, 0, 1, 256, 215]); // NaN -> 0
    expect([...run(b, 'Unary', { op: 'relu', x })]).toEqual([0, 0, 3, 65536, 46341]);
    expect([...run(b, 'Unary', { op: 'neg', x })]).toEqual([7, 0, -3, -65536, -46341]);
  });

  it('relu maps NaN to 0 and step is 0 at 0', () => {
    const b = testBackend();
    const x = put(b, new Float32Array([NaN, 0, -0, 2]), [4]);
    expect([...run(b, 'Unary', { op: 'relu', x })]).toEqual([0, 0, 0, 2]);
    expect([...run(b, 'Unary', { op: 'step', x })]).toEqual([0, 0, 0, 1]);
  });
});

describe('Binary', () => {
  // Rank patterns: same shape, scalar either side, row/bias, column, outer product,
  // middle-axis broadcast, rank promotion, size-1 and size-0 dims.
  const patterns: [number[], number[]][] = [
    [[7], [7]],
    [
      [3, 5],
      [3, 5],
    ],
    [[3, 5], []],
    [[], [3, 5]],
    [[1], [4, 3]],
    [[4, 3], [3]],
    [
      [4, 3],
      [1, 3],
    ],
    [
      [4, 3],
      [4, 1],
    ],
    [
      [4, 1],
      [1, 3],
    ],
    [
      [2, 3, 4, 5],
      [1, 3, 1, 1],
    ],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [
      [5, 1, 1],
      [1, 1, 6],
    ],
    [
      [1, 1],
      [1, 1],
    ],
    [
      [2, 3, 1, 5],
      [2, 1, 4, 5],
    ],
    [[0, 3], [3]],
    [
      [2, 0],
      [2, 1],
    ],
  ];
  const ops = Object.keys(binaryRef) as BinaryOp[];

  it.each(ops)('%s broadcasts like NumPy on float32', (op) => {
    const b = testBackend();
    let seed = 1;
    for (const [as, bs] of patterns) {
      const av = randF32(sizeOf(as), seed++, -2, 2);
      const bv = randF32(sizeOf(bs), seed++, -2, 2);
      if (op === 'equal') for (let i = 0; i < Math.min(av.length, bv.length); i += 2) bv[i] = av[i]; // some ties
      if (op === 'div') for (let i = 0; i < bv.length; i++) if (Math.abs(bv[i]) < 0.1) bv[i] = 0.5;
      const a = put(b, av, as);
      const bb = put(b, bv, bs);
      const outShape = outShapeOf(as, bs);
      const y = run(b, 'Binary', { op, a, b: bb, outShape });
      expect(y).toBeInstanceOf(Float32Array);
      expectClose(y, naiveBinary(op, av, as, bv, bs, outShape));
      b.disposeData(a.dataId);
      b.disposeData(bb.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('int32: add/sub/div truncate, mul wraps, greater/equal give float32', () => {
    const b = testBackend();
    const av = randI32(12, 3, -50, 50);
    const bv = new Int32Array([7, -3, 2]);
    const a = put(b, av, [4, 3]);
    const bb = put(b, bv, [3]);
    for (const op of ops) {
      const y = run(b, 'Binary', { op, a, b: bb, outShape: [4, 3] });
      const isCmp = op === 'greater' || op === 'equal';
      expect(y).toBeInstanceOf(isCmp ? Float32Array : Int32Array);
      const want = new Int32Array(12);
      const wantF = new Float64Array(12);
      for (let i = 0; i < 12; i++) {
        const v = op === 'mul' ? Math.imul(av[i], bv[i % 3]) : binaryRef[op](av[i], bv[i % 3]);
        want[i] = v; // int32 store truncates toward zero
        wantF[i] = v;
      }
      expect([...y], op).toEqual(isCmp ? [...wantF] : [...want]);
    }
    const big = put(b, new Int32Array([100000, -100000]), [2]);
    expect([...run(b, 'Binary', { op: 'mul', a: big, b: big, outShape: [2] })]).toEqual([
      Math.imul(100000, 100000),
      Math.imul(100000, 100000),
    ]);
  });

  it('maximum/minimum propagate NaN', () => {
    const b = testBackend();
    const a = put(b, new Float32Array([NaN, 1, 2]), [3]);
    const c = put(b, new Float32Array([0, NaN, 3]), [3]);
    const mx = run(b, 'Binary', { op: 'maximum', a, b: c, outShape: [3] });
    expect(Number.isNaN(mx[0]) && Number.isNaN(mx[1])).toBe(true);
    expect(mx[2]).toBe(3);
  });
});

describe('Where', () => {
  it('selects with three-way broadcasting', () => {
    const b = testBackend();
    const cases: [number[], number[], number[]][] = [
      [[6], [6], [6]],
      [
        [2, 1],
        [1, 3],
        [2, 3],
      ],
      [[3], [2, 3], []],
      [
        [1, 4, 1],
        [2, 1, 5],
        [4, 5],
      ],
      [[0, 2], [2], [1]],
    ];
    let seed = 7;
    for (const [cs, as, bs] of cases) {
      const out = outShapeOf(outShapeOf(cs, as), bs);
      const cv = randF32(sizeOf(cs), seed++).map((v) => (v > 0 ? 1 : 0));
      if (cv.length > 0) cv[0] = NaN; // NaN != 0 selects a
      const av = randF32(sizeOf(as), seed++);
      const bv = randF32(sizeOf(bs), seed++);
      const c = put(b, cv, cs);
      const a = put(b, av, as);
      const bb = put(b, bv, bs);
      const want = new Float64Array(sizeOf(out));
      for (let i = 0; i < want.length; i++) {
        const idx = unravel(i, out);
        want[i] =
          cv[broadcastAt(idx, cs)] !== 0 ? av[broadcastAt(idx, as)] : bv[broadcastAt(idx, bs)];
      }
      expectClose(run(b, 'Where', { cond: c, a, b: bb, outShape: out }), want, 0);
      for (const t of [a, bb, c]) b.disposeData(t.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it("output dtype is a's", () => {
    const b = testBackend();
    const c = put(b, new Int32Array([1, 0]), [2]);
    const a = put(b, new Int32Array([5, 6]), [2]);
    const d = put(b, new Int32Array([-1, -2]), [2]);
    const y = run(b, 'Where', { cond: c, a, b: d, outShape: [2] });
    expect(y).toBeInstanceOf(Int32Array);
    expect([...y]).toEqual([5, -2]);
  });
});
