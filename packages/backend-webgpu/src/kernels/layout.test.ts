import { afterAll, describe, expect, it } from 'vitest';
import { f32, openBackend, random, randomInts, tensor, values } from '../test/harness.js';
import { sizeOf, unravel } from '../test/naive.js';

const be = await openBackend();
afterAll(() => be?.destroy());

function naiveTranspose(
  x: readonly number[],
  shape: readonly number[],
  perm: readonly number[],
): number[] {
  const outShape = perm.map((p) => shape[p]);
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, outShape);
    const src = new Array<number>(shape.length);
    perm.forEach((p, d) => (src[p] = idx[d]));
    out.push(x[src.reduce((acc, v, d) => acc * shape[d] + v, 0)]);
  }
  return out;
}

describe.skipIf(!be)('layout kernels', () => {
  const b = be!;

  const cases: [number[], number[]][] = [
    [
      [3, 4],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [0, 2, 1],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [2, 3, 4],
      [0, 1, 2],
    ],
    [
      [2, 1, 3, 1, 4],
      [4, 3, 2, 1, 0],
    ],
    [
      [2, 3, 2, 3, 2, 2],
      [5, 3, 1, 0, 2, 4],
    ],
    [[], []],
  ];
  for (const [shape, perm] of cases) {
    it(`Transpose [${shape}] by [${perm}] (float32 and int32)`, async () => {
      const x = random(sizeOf(shape), 11).map(f32);
      expect(await values(b, b.kernels.Transpose({ x: tensor(b, x, shape), perm }))).toEqual(
        naiveTranspose(x, shape, perm),
      );
      const xi = randomInts(sizeOf(shape), 12, -1000, 1000);
      const yi = b.kernels.Transpose({ x: tensor(b, xi, shape, 'int32'), perm });
      const out = await b.read(yi);
      expect(out).toBeInstanceOf(Int32Array);
      expect(Array.from(out)).toEqual(naiveTranspose(xi, shape, perm));
    });
  }

  it('Slice boxes on every axis, contiguous and strided', async () => {
    const shape = [4, 5, 6];
    const x = random(120, 13).map(f32);
    for (const [begin, size] of [
      [
        [1, 0, 0],
        [2, 5, 6],
      ],
      [
        [0, 1, 2],
        [4, 3, 3],
      ],
      [
        [3, 4, 5],
        [1, 1, 1],
      ],
      [
        [1, 2, 0],
        [3, 1, 6],
      ],
      [
        [0, 0, 0],
        [0, 5, 6],
      ],
    ]) {
      const expected: number[] = [];
      for (let i = 0; i < sizeOf(size); i++) {
        const idx = unravel(i, size).map((v, d) => v + begin[d]);
        expected.push(x[(idx[0] * 5 + idx[1]) * 6 + idx[2]]);
      }
      expect(await values(b, b.kernels.Slice({ x: tensor(b, x, shape), begin, size }))).toEqual(
        expected,
      );
    }
    const yi = b.kernels.Slice({ x: tensor(b, [1, 2, 3, 4], [4], 'int32'), begin: [1], size: [2] });
    expect(Array.from(await b.read(yi))).toEqual([2, 3]);
  });

  it('Pad with a constant, asymmetric, float32 and int32', async () => {
    const shape = [2, 3, 2];
    const paddings: [number, number][] = [
      [1, 0],
      [0, 2],
      [1, 1],
    ];
    const x = random(12, 14).map(f32);
    const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    const expected: number[] = [];
    for (let i = 0; i < sizeOf(outShape); i++) {
      const idx = unravel(i, outShape).map((v, d) => v - paddings[d][0]);
      const inside = idx.every((v, d) => v >= 0 && v < shape[d]);
      expected.push(inside ? x[(idx[0] * 3 + idx[1]) * 2 + idx[2]] : f32(-2.5));
    }
    expect(
      await values(b, b.kernels.Pad({ x: tensor(b, x, shape), paddings, value: -2.5 })),
    ).toEqual(expected);
    const yi = b.kernels.Pad({
      x: tensor(b, [5, 6], [1, 2], 'int32'),
      paddings: [
        [0, 0],
        [2, 1],
      ],
      value: 7,
    });
    expect(Array.from(await b.read(yi))).toEqual([7, 7, 5, 6, 7]);
  });

  it('Concat along first, middle and last axes', async () => {
    for (const axis of [0, 1, 2]) {
      const shapes = [
        [2, 3, 4],
        [2, 3, 4],
        [2, 3, 4],
      ].map((s, k) => s.map((d, i) => (i === axis ? d + k : d)));
      const xs = shapes.map((s, k) => random(sizeOf(s), 20 + k).map(f32));
      const outShape = shapes[0].map((d, i) =>
        i === axis ? shapes.reduce((a, s) => a + s[axis], 0) : d,
      );
      const expected: number[] = [];
      for (let i = 0; i < sizeOf(outShape); i++) {
        const idx = unravel(i, outShape);
        let k = 0;
        while (idx[axis] >= shapes[k][axis]) idx[axis] -= shapes[k++][axis];
        const s = shapes[k];
        expected.push(xs[k][(idx[0] * s[1] + idx[1]) * s[2] + idx[2]]);
      }
      const y = b.kernels.Concat!({
        xs: xs.map((x, k) => tensor(b, x, shapes[k])),
        axis,
        outShape,
      });
      expect(await values(b, y)).toEqual(expected);
    }
  });
});
