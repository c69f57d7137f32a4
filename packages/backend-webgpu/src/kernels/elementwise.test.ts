import { afterAll, describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '@tessera/core';
import {
  expectClose,
  f32,
  openBackend,
  random,
  randomInts,
  tensor,
  values,
} from '../test/harness.js';
import { broadcast2, sizeOf } from '../test/naive.js';

const be = await openBackend();
afterAll(() => be?.destroy());

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  step: (x) => (x > 0 ? 1 : 0),
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: Math.max,
  minimum: Math.min,
  greater: (a, b) => (a > b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
};

describe.skipIf(!be)('elementwise kernels', () => {
  const b = be!;

  for (const op of Object.keys(UNARY) as UnaryOp[]) {
    it(`Unary ${op} float32 (1000 elements, crosses workgroups)`, async () => {
      const positive = op === 'log' || op === 'sqrt';
      const x = random(1000, 7, positive ? 0.01 : -30, 30);
      const y = b.kernels.Unary({ op, x: tensor(b, x, [10, 100]) });
      expectClose(
        await values(b, y),
        x.map((v) => UNARY[op](f32(v))),
        1e-5,
      );
    });
  }

  it('Unary on int32 keeps the dtype and truncates transcendental results', async () => {
    const x = [-7, -1, 0, 3, 16];
    for (const [op, f] of [
      ['neg', (v: number) => -v],
      ['abs', Math.abs],
      ['square', (v: number) => v * v],
      ['relu', (v: number) => (v > 0 ? v : 0)],
      ['step', (v: number) => (v > 0 ? 1 : 0)],
      ['sqrt', (v: number) => (v >= 0 ? Math.trunc(Math.sqrt(v)) : 0)],
    ] as const) {
      const y = b.kernels.Unary({ op, x: tensor(b, x, [5], 'int32') });
      const out = await b.read(y);
      expect(out).toBeInstanceOf(Int32Array);
      if (op === 'sqrt')
        expect(Array.from(out).filter((_, i) => x[i] >= 0)).toEqual(x.filter((v) => v >= 0).map(f));
      else expect(Array.from(out)).toEqual(x.map((v) => f(v) | 0));
      b.disposeData(y);
    }
  });

  const shapes: [number[], number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [], [3, 4]],
    [[], [2, 5], [2, 5]],
    [
      [3, 1],
      [1, 4],
      [3, 4],
    ],
    [[2, 3, 4], [4], [2, 3, 4]],
    [
      [2, 1, 4],
      [3, 1],
      [2, 3, 4],
    ],
    [
      [5, 1, 3, 1, 2],
      [1, 4, 1, 6, 1],
      [5, 4, 3, 6, 2],
    ],
  ];
  for (const op of Object.keys(BINARY) as BinaryOp[]) {
    it(`Binary ${op} float32 with broadcasting`, async () => {
      for (const [sa, sb, so] of shapes) {
        const av = random(sizeOf(sa), 3, -3, 3).map((v) => Math.round(v * 4) / 4);
        const bv = random(sizeOf(sb), 4, -3, 3).map((v) => Math.round(v * 4) / 4 || 0.5);
        const y = b.kernels.Binary({
          op,
          a: tensor(b, av, sa),
          b: tensor(b, bv, sb),
          outShape: so,
        });
        expectClose(await values(b, y), broadcast2(av, sa, bv, sb, so, BINARY[op]), 1e-6);
      }
    });
  }

  it('Binary on int32: wrapping arithmetic, truncating division, float 0/1 comparisons', async () => {
    const av = [7, -7, 2147483647, 5, 0, -9];
    const bv = [2, 2, 1, 0, 3, -9];
    const expected: Record<BinaryOp, number[]> = {
      add: av.map((a, i) => (a + bv[i]) | 0),
      sub: av.map((a, i) => (a - bv[i]) | 0),
      mul: av.map((a, i) => Math.imul(a, bv[i])),
      div: av.map((a, i) => (bv[i] === 0 ? 0 : Math.trunc(a / bv[i]))),
      maximum: av.map((a, i) => Math.max(a, bv[i])),
      minimum: av.map((a, i) => Math.min(a, bv[i])),
      greater: av.map((a, i) => (a > bv[i] ? 1 : 0)),
      equal: av.map((a, i) => (a === bv[i] ? 1 : 0)),
    };
    for (const op of Object.keys(expected) as BinaryOp[]) {
      const y = b.kernels.Binary({
        op,
        a: tensor(b, av, [6], 'int32'),
        b: tensor(b, bv, [6], 'int32'),
        outShape: [6],
      });
      const out = await b.read(y);
      expect(out).toBeInstanceOf(op === 'greater' || op === 'equal' ? Float32Array : Int32Array);
      expect(Array.from(out), op).toEqual(expected[op]);
      b.disposeData(y);
    }
  });

  it('Where broadcasts cond, a and b; works on float32 and int32 values', async () => {
    const cond = [1, 0, -0, 2];
    const a = random(12, 5);
    const bv = random(3, 6);
    const y = b.kernels.Where({
      cond: tensor(b, cond, [4, 1]),
      a: tensor(b, a, [4, 3]),
      b: tensor(b, bv, [3]),
      outShape: [4, 3],
    });
    const expected = a.map((v, i) => (cond[Math.floor(i / 3)] !== 0 ? f32(v) : f32(bv[i % 3])));
    expect(await values(b, y)).toEqual(expected);

    const yi = b.kernels.Where({
      cond: tensor(b, [0, 5], [2], 'int32'),
      a: tensor(b, [1, 2], [2], 'int32'),
      b: tensor(b, [-1], [], 'int32'),
      outShape: [2],
    });
    const out = await b.read(yi);
    expect(out).toBeInstanceOf(Int32Array);
    expect(Array.from(out)).toEqual([-1, 2]);
  });

  it('Cast truncates toward zero and converts back', async () => {
    const x = [-2.7, -0.5, 0, 0.5, 2.7, 1e6 + 0.25];
    const yi = b.kernels.Cast({ x: tensor(b, x, [6]), dtype: 'int32' });
    expect(Array.from(await b.read(yi))).toEqual(x.map((v) => Math.trunc(f32(v)) + 0));
    const yf = b.kernels.Cast({ x: { dataId: yi, shape: [6], dtype: 'int32' }, dtype: 'float32' });
    expect(Array.from(await b.read(yf))).toEqual(x.map((v) => Math.trunc(f32(v)) + 0));
    const same = b.kernels.Cast({ x: tensor(b, [1, 2, 3], [3], 'int32'), dtype: 'int32' });
    expect(Array.from(await b.read(same))).toEqual([1, 2, 3]);
  });

  it('Fill writes float32 and int32 values, including large shapes', async () => {
    expect(
      await values(b, b.kernels.Fill({ shape: [2, 3], value: -1.5, dtype: 'float32' })),
    ).toEqual(new Array(6).fill(-1.5));
    const big = await values(
      b,
      b.kernels.Fill({ shape: [70000], value: 123456789, dtype: 'int32' }),
    );
    expect(big.length).toBe(70000);
    expect(big.every((v) => v === 123456789)).toBe(true);
    expect(await values(b, b.kernels.Fill({ shape: [0], value: 1, dtype: 'float32' }))).toEqual([]);
  });

  it('int32 values survive a round trip unchanged', async () => {
    const x = randomInts(100, 9, -2e9, 2e9);
    expect(await values(b, tensor(b, x, [100], 'int32').dataId)).toEqual(x);
  });
});
