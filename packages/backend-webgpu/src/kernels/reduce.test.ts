import { afterAll, describe, expect, it } from 'vitest';
import type { ReduceOp } from '@tessera/core';
import {
  expectClose,
  f32,
  openBackend,
  random,
  randomInts,
  tensor,
  values,
} from '../test/harness.js';

const be = await openBackend();
afterAll(() => be?.destroy());

function naive(
  op: ReduceOp,
  x: readonly number[],
  outer: number,
  size: number,
  inner: number,
): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let acc = x[o * size * inner + i];
      let arg = 0;
      for (let s = 1; s < size; s++) {
        const v = x[(o * size + s) * inner + i];
        if (op === 'sum') acc += v;
        else if (op === 'max') acc = Math.max(acc, v);
        else if (op === 'min') acc = Math.min(acc, v);
        else if (v > acc) {
          acc = v;
          arg = s;
        }
      }
      out.push(op === 'argmax' ? arg : acc);
    }
  return out;
}

// Sizes chosen to hit each code path: one invocation per output (short rows, many outputs),
// one workgroup per output (long rows), and two passes over chunks (few very long rows).
const SHAPES: [number, number, number][] = [
  [3, 5, 4],
  [1, 7, 1],
  [6, 300, 1],
  [2, 200, 3],
  [1, 5000, 1],
  [2, 3000, 2],
  [40, 130, 70],
];

describe.skipIf(!be)('Reduce', () => {
  const b = be!;
  for (const op of ['sum', 'max', 'min', 'argmax'] as ReduceOp[]) {
    for (const [outer, size, inner] of SHAPES) {
      it(`${op} over [${outer}, ${size}, ${inner}] float32`, async () => {
        // Quantised values make ties likely, which exercises argmax's first-maximum rule.
        const x = random(outer * size * inner, size + inner, -4, 4).map(
          (v) => Math.round(v * 8) / 8,
        );
        const y = b.kernels.Reduce({
          op,
          x: tensor(b, x, [outer * size * inner]),
          outer,
          size,
          inner,
        });
        const out = await b.read(y);
        b.disposeData(y);
        expect(out).toBeInstanceOf(op === 'argmax' ? Int32Array : Float32Array);
        expectClose(Array.from(out), naive(op, x.map(f32), outer, size, inner), 1e-5);
      });
    }
  }

  for (const op of ['sum', 'max', 'min', 'argmax'] as ReduceOp[]) {
    it(`${op} on int32 (exact)`, async () => {
      for (const [outer, size, inner] of [
        [4, 6, 3],
        [2, 2000, 1],
      ]) {
        const x = randomInts(outer * size * inner, 5, -1000, 1000);
        const y = b.kernels.Reduce({
          op,
          x: tensor(b, x, [x.length], 'int32'),
          outer,
          size,
          inner,
        });
        const out = await b.read(y);
        b.disposeData(y);
        expect(out).toBeInstanceOf(Int32Array);
        expect(Array.from(out)).toEqual(naive(op, x, outer, size, inner));
      }
    });
  }

  it('a long sum stays accurate (tree, not a serial float32 loop)', async () => {
    const n = 200_000;
    const x = random(n, 77, 0, 1).map(f32);
    const y = b.kernels.Reduce({ op: 'sum', x: tensor(b, x, [n]), outer: 1, size: n, inner: 1 });
    expectClose(await values(b, y), [x.reduce((a, v) => a + v, 0)], 1e-5);
  });
});
