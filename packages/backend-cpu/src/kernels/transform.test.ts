import { describe, expect, it } from 'vitest';
import {
  expectClose,
  put,
  randF32,
  randI32,
  rng,
  run,
  sizeOf,
  testBackend,
  unravel,
} from '../test-utils.js';

function flatAt(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

function allPerms(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of allPerms(n - 1))
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

describe('Transpose', () => {
  it('every permutation of ranks 0-4, with size-1 and odd dims', () => {
    const b = testBackend();
    let seed = 1;
    for (const shape of [
      [],
      [5],
      [3, 4],
      [1, 5],
      [2, 1, 3],
      [2, 3, 4],
      [3, 1, 4, 5],
      [2, 3, 1, 1],
      [33, 2, 35, 3],
    ]) {
      const v = randF32(sizeOf(shape), seed++);
      const x = put(b, v, shape);
      for (const perm of allPerms(shape.length)) {
        const outShape = perm.map((p) => shape[p]);
        const want = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const oi = unravel(i, outShape);
          const ii = new Array<number>(shape.length);
          perm.forEach((p, d) => (ii[p] = oi[d]));
          want[i] = v[flatAt(ii, shape)];
        }
        expectClose(run(b, 'Transpose', { x, perm }), want, 0);
      }
      b.disposeData(x.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('a large 2-D and batched 2-D transpose (tiled paths), int32', () => {
    const b = testBackend();
    const shape = [3, 67, 45];
    const v = randI32(sizeOf(shape), 2, -100, 100);
    const x = put(b, v, shape);
    for (const perm of [
      [0, 2, 1],
      [2, 0, 1],
      [1, 2, 0],
    ]) {
      const y = run(b, 'Transpose', { x, perm });
      expect(y).toBeInstanceOf(Int32Array);
      const outShape = perm.map((p) => shape[p]);
      for (let i = 0; i < y.length; i++) {
        const oi = unravel(i, outShape);
        const ii: number[] = [];
        perm.forEach((p, d) => (ii[p] = oi[d]));
        if (y[i] !== v[flatAt(ii, shape)]) expect.fail(`perm ${perm} element ${i}`);
      }
    }
  });
});

describe('Slice', () => {
  it('random boxes on ranks 0-4, including empty boxes', () => {
    const b = testBackend();
    const r = rng(4);
    for (const shape of [[], [9], [4, 7], [3, 1, 5], [2, 3, 4, 70], [5, 0]]) {
      const v = randF32(sizeOf(shape), 9);
      const x = put(b, v, shape);
      for (let t = 0; t < 8; t++) {
        const begin = shape.map((d) => Math.floor(r(0, 1) * (d + 1)));
        const size = shape.map((d, i) => Math.floor(r(0, 1) * (d - begin[i] + 1)));
        if (t === 0) shape.forEach((d, i) => ((begin[i] = 0), (size[i] = d))); // the whole tensor
        const want = new Float64Array(sizeOf(size));
        for (let i = 0; i < want.length; i++) {
          const idx = unravel(i, size).map((v2, d) => v2 + begin[d]);
          want[i] = v[flatAt(idx, shape)];
        }
        expectClose(run(b, 'Slice', { x, begin, size }), want, 0);
      }
      b.disposeData(x.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });
});

describe('Pad', () => {
  it('constant padding on ranks 0-3, asymmetric, long rows', () => {
    const b = testBackend();
    for (const [shape, paddings] of [
      [[], []],
      [[3], [[2, 1]]],
      [
        [2, 3],
        [
          [0, 1],
          [3, 0],
        ],
      ],
      [
        [2, 1, 70],
        [
          [1, 1],
          [0, 2],
          [1, 0],
        ],
      ],
      [
        [0, 2],
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ] as [number[], [number, number][]][]) {
      const v = randF32(sizeOf(shape), 5);
      const x = put(b, v, shape);
      const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
      const want = new Float64Array(sizeOf(outShape));
      for (let i = 0; i < want.length; i++) {
        const idx = unravel(i, outShape).map((v2, d) => v2 - paddings[d][0]);
        want[i] = idx.every((v2, d) => v2 >= 0 && v2 < shape[d]) ? v[flatAt(idx, shape)] : -2.5;
      }
      expectClose(run(b, 'Pad', { x, paddings, value: -2.5 }), want, 0);
      b.disposeData(x.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });
});

describe('Cast and Fill', () => {
  it('float32 -> int32 truncates toward zero; int32 -> float32 is exact for small ints', () => {
    const b = testBackend();
    const x = put(b, new Float32Array([1.9, -1.9, 0.5, -0.5, 3, NaN]), [6]);
    const y = run(b, 'Cast', { x, dtype: 'int32' });
    expect(y).toBeInstanceOf(Int32Array);
    expect([...y]).toEqual([1, -1, 0, 0, 3, 0]);
    const xi = put(b, new Int32Array([-7, 0, 123456]), [3]);
    const yf = run(b, 'Cast', { x: xi, dtype: 'float32' });
    expect(yf).toBeInstanceOf(Float32Array);
    expect([...yf]).toEqual([-7, 0, 123456]);
    expect([...run(b, 'Cast', { x: xi, dtype: 'int32' })]).toEqual([-7, 0, 123456]);
  });

  it('fills float32 and int32 buffers of any shape', () => {
    const b = testBackend();
    expect([...run(b, 'Fill', { shape: [2, 3], value: 1.5, dtype: 'float32' })]).toEqual([
      1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    ]);
    const i = run(b, 'Fill', { shape: [3], value: -4, dtype: 'int32' });
    expect(i).toBeInstanceOf(Int32Array);
    expect([...i]).toEqual([-4, -4, -4]);
    expect(run(b, 'Fill', { shape: [0, 5], value: 1, dtype: 'float32' }).length).toBe(0);
    expect([...run(b, 'Fill', { shape: [], value: 2, dtype: 'float32' })]).toEqual([2]);
    expect(b.memory().numBytes).toBe(0);
  });
});

describe('Concat', () => {
  it('joins along every axis, with empty and long pieces', () => {
    const b = testBackend();
    const base = [2, 3, 4];
    for (let axis = 0; axis < 3; axis++) {
      const sizes = [1, 0, 3, 70];
      const parts = sizes.map((s, i) => {
        const shape = base.map((d, j) => (j === axis ? s : d));
        const v = randF32(sizeOf(shape), 10 + i);
        return { v, shape, info: put(b, v, shape) };
      });
      const outShape = base.map((d, j) => (j === axis ? sizes.reduce((p, q) => p + q, 0) : d));
      const want = new Float64Array(sizeOf(outShape));
      for (let i = 0; i < want.length; i++) {
        const idx = unravel(i, outShape);
        let at = idx[axis];
        for (const p of parts) {
          if (at < p.shape[axis]) {
            want[i] =
              p.v[
                flatAt(
                  idx.map((v2, d) => (d === axis ? at : v2)),
                  p.shape,
                )
              ];
            break;
          }
          at -= p.shape[axis];
        }
      }
      expectClose(run(b, 'Concat', { xs: parts.map((p) => p.info), axis, outShape }), want, 0);
      for (const p of parts) b.disposeData(p.info.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });
});
