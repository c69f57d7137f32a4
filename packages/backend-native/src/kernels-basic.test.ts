/**
 * Elementwise, reduction, GEMM, layout and softmax kernels against plain loops written here,
 * including the int32 rules (wrapping, ToInt32 truncation, no trap on division by zero) and
 * sizes big enough to take the threaded paths.
 */
import type { DataId, TensorInfo } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import * as naive from './test/naive.js';
import { input, maxRelErr, native, randomValues, skipNative } from './test/setup.js';

const TOL = 1e-4;
const read = (id: DataId) => native().readSync(id);
const free = (...ids: (DataId | TensorInfo)[]) => {
  for (const i of ids) native().disposeData('dataId' in i ? i.dataId : i);
};

/** Flat index of `idx` (an output index) in an input of `shape`, NumPy broadcasting. */
function bcast(idx: number[], shape: readonly number[]): number {
  let flat = 0;
  const off = idx.length - shape.length;
  shape.forEach((d, i) => (flat = flat * d + (d === 1 ? 0 : idx[off + i])));
  return flat;
}
function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i];
    f = Math.floor(f / shape[i]);
  }
  return idx;
}

describe.skipIf(skipNative)('elementwise kernels', () => {
  it('Binary broadcasts like NumPy on every merged-axis pattern', () => {
    const shapes: [number[], number[], number[]][] = [
      [
        [3, 1, 5],
        [1, 4, 5],
        [3, 4, 5],
      ],
      [[2, 3, 4], [4], [2, 3, 4]],
      [[1], [2, 3], [2, 3]],
      [
        [200, 300],
        [200, 1],
        [200, 300],
      ],
      [
        [5, 1, 1, 7],
        [6, 1],
        [5, 1, 6, 7],
      ],
    ];
    for (const [as, bs, os] of shapes) {
      const av = randomValues(
        as.reduce((p, d) => p * d, 1),
        7,
      );
      const bv = randomValues(
        bs.reduce((p, d) => p * d, 1),
        8,
      );
      const a = input(av, as),
        b = input(bv, bs);
      for (const op of [
        'add',
        'sub',
        'mul',
        'div',
        'maximum',
        'minimum',
        'greater',
        'equal',
      ] as const) {
        const y = read(native().kernels.Binary({ op, a, b, outShape: os }));
        const f: Record<typeof op, (x: number, z: number) => number> = {
          add: (x, z) => x + z,
          sub: (x, z) => x - z,
          mul: (x, z) => x * z,
          div: (x, z) => x / z,
          maximum: Math.max,
          minimum: Math.min,
          greater: (x, z) => (x > z ? 1 : 0),
          equal: (x, z) => (x === z ? 1 : 0),
        };
        const want = Float64Array.from({ length: y.length }, (_, i) => {
          const idx = unravel(i, os);
          return f[op](av[bcast(idx, as)], bv[bcast(idx, bs)]);
        });
        expect(maxRelErr(y, want), `${op} ${JSON.stringify([as, bs])}`).toBeLessThan(TOL);
      }
      free(a, b);
    }
  });

  it('int32 Binary wraps and never traps (division by zero, INT_MIN / -1)', () => {
    const a = input([2147483647, -2147483648, 7, -7, 5, 0], [6], 'int32');
    const b = input([1, -1, 0, 2, -3, 0], [6], 'int32');
    const k = native().kernels;
    expect(Array.from(read(k.Binary({ op: 'add', a, b, outShape: [6] })))).toEqual([
      -2147483648, 2147483647, 7, -5, 2, 0,
    ]);
    expect(Array.from(read(k.Binary({ op: 'mul', a, b, outShape: [6] })))).toEqual([
      2147483647, -2147483648, 0, -14, -15, 0,
    ]);
    expect(Array.from(read(k.Binary({ op: 'div', a, b, outShape: [6] })))).toEqual([
      2147483647, -2147483648, 0, -3, -1, 0,
    ]);
    const g = read(k.Binary({ op: 'greater', a, b, outShape: [6] }));
    expect(g).toBeInstanceOf(Float32Array);
    expect(Array.from(g)).toEqual([1, 0, 1, 0, 1, 0]);
    free(a, b);
  });

  it('Unary on float32 and int32', () => {
    const xv = randomValues(70_000, 9).map((v) => v * 3);
    const x = input(xv, [70_000]);
    const fs = {
      neg: (v: number) => -v,
      abs: Math.abs,
      exp: Math.exp,
      log: Math.log,
      sqrt: Math.sqrt,
      square: (v: number) => v * v,
      relu: (v: number) => (v > 0 ? v : 0),
      sigmoid: (v: number) => 1 / (1 + Math.exp(-v)),
      tanh: Math.tanh,
      step: (v: number) => (v > 0 ? 1 : 0),
    };
    for (const [op, f] of Object.entries(fs) as [keyof typeof fs, (v: number) => number][]) {
      const y = read(native().kernels.Unary({ op, x }));
      expect(maxRelErr(y, Float64Array.from(xv, f)), op).toBeLessThan(TOL);
    }
    const xi = input([-2147483648, -3, 0, 5, 46341], [5], 'int32');
    const ki = (op: keyof typeof fs) => Array.from(read(native().kernels.Unary({ op, x: xi })));
    expect(ki('neg')).toEqual([-2147483648, 3, 0, -5, -46341]);
    expect(ki('abs')).toEqual([-2147483648, 3, 0, 5, 46341]);
    expect(ki('square')).toEqual([0, 9, 0, 25, Math.imul(46341, 46341)]);
    expect(ki('sqrt')).toEqual([0, 0, 0, 2, 215]);
    free(x, xi);
  });

  it('Where, Cast, Fill, BiasAdd', () => {
    const k = native().kernels;
    const cond = input([1, 0, -0, Number.NaN], [4, 1]);
    const a = input([1, 2, 3], [1, 3]),
      b = input([9], [1]);
    expect(Array.from(read(k.Where({ cond, a, b, outShape: [4, 3] })))).toEqual([
      1, 2, 3, 9, 9, 9, 9, 9, 9, 1, 2, 3,
    ]);
    const fv = Float32Array.from([1.9, -1.9, 3e9, Number.NaN, -0.5, 2147483647.5, -6e9, Infinity]);
    const f = input(fv, [8]);
    // JS's `| 0` is ToInt32, what storing into an Int32Array does.
    expect(Array.from(read(k.Cast({ x: f, dtype: 'int32' })))).toEqual(
      Array.from(fv, (v) => v | 0),
    );
    expect(Array.from(read(k.Fill({ shape: [2, 2], value: -7.9, dtype: 'int32' })))).toEqual([
      -7, -7, -7, -7,
    ]);
    const xv = randomValues(2 * 3 * 5, 10);
    const x = input(xv, [2, 3, 5]),
      bias = input([0.5, -0.25, 1], [3]);
    const y = read(k.BiasAdd!({ x, bias, outer: 2, channels: 3, inner: 5, relu: true }));
    const want = Float64Array.from(xv, (v, i) =>
      Math.max(0, v + [0.5, -0.25, 1][Math.floor(i / 5) % 3]),
    );
    expect(maxRelErr(y, want)).toBeLessThan(TOL);
    free(cond, a, b, f, x, bias);
  });
});

describe.skipIf(skipNative)('reductions and softmax', () => {
  it('Reduce sum/max/min/argmax over [outer, size, inner], NaN like Math.max', () => {
    for (const [outer, size, inner] of [
      [3, 700, 1],
      [2, 5, 1100],
      [1, 1, 4],
      [4, 33, 7],
      // Long rows are split into chunks over threads and combined in order.
      [1, 200_003, 1],
      [3, 70_001, 1],
    ]) {
      const xv = randomValues(outer * size * inner, outer + size);
      const x = input(xv, [outer, size, inner]);
      for (const op of ['sum', 'max', 'min', 'argmax'] as const) {
        const y = read(native().kernels.Reduce({ op, x, outer, size, inner }));
        const want = new Float64Array(outer * inner);
        for (let o = 0; o < outer; o++)
          for (let i = 0; i < inner; i++) {
            let acc = op === 'sum' ? 0 : xv[o * size * inner + i],
              arg = 0;
            for (let s = op === 'sum' ? 0 : 1; s < size; s++) {
              const v = xv[(o * size + s) * inner + i];
              if (op === 'sum') acc += v;
              else if (op === 'max' ? v > acc : op === 'min' ? v < acc : v > acc)
                [acc, arg] = [v, s];
            }
            want[o * inner + i] = op === 'argmax' ? arg : acc;
          }
        expect(maxRelErr(y, want), `${op} ${outer}x${size}x${inner}`).toBeLessThan(TOL);
      }
      free(x);
    }
    const n = input([1, Number.NaN, 3, 3], [1, 4, 1]);
    expect(
      Array.from(
        read(native().kernels.Reduce({ op: 'argmax', x: n, outer: 1, size: 4, inner: 1 })),
      ),
    ).toEqual([1]);
    expect(
      read(native().kernels.Reduce({ op: 'max', x: n, outer: 1, size: 4, inner: 1 }))[0],
    ).toBeNaN();
    free(n);
    // Across chunks: the first of equal maxima wins, and the first NaN beats any later one.
    const long = new Float32Array(100_000);
    long[40_000] = 5;
    long[90_000] = 5;
    const t = input(long, [1, long.length, 1]);
    const reduceLong = (op: 'max' | 'argmax', id: TensorInfo) =>
      read(native().kernels.Reduce({ op, x: id, outer: 1, size: long.length, inner: 1 }))[0];
    expect(reduceLong('argmax', t)).toBe(40_000);
    long[80_000] = Number.NaN;
    long[99_000] = Number.NaN;
    const withNaN = input(long, [1, long.length, 1]);
    expect(reduceLong('argmax', withNaN)).toBe(80_000);
    expect(reduceLong('max', withNaN)).toBeNaN();
    free(t, withNaN);
  });

  it('Softmax, LogSoftmax, SoftmaxCrossEntropy (+Grad); a bad label gives NaN, not a crash', () => {
    const [N, K] = [5, 7];
    const lv = randomValues(N * K, 11).map((v) => v * 20);
    const logits = input(lv, [N, K]);
    const labels = input([0, 6, 3, 7, -1], [N], 'int32');
    const dy = input([1, 2, 0.5, 1, 1], [N]);
    const k = native().kernels;
    const lse = Array.from({ length: N }, (_, n) => {
      const row = lv.slice(n * K, n * K + K);
      const m = Math.max(...row);
      return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    });
    const sm = Float64Array.from(lv, (v, i) => Math.exp(v - lse[Math.floor(i / K)]));
    expect(maxRelErr(read(k.Softmax!({ x: logits, outer: N, size: K })), sm)).toBeLessThan(TOL);
    expect(
      maxRelErr(
        read(k.LogSoftmax!({ x: logits, outer: N, size: K })),
        Float64Array.from(lv, (v, i) => v - lse[Math.floor(i / K)]),
      ),
    ).toBeLessThan(TOL);
    const loss = read(k.SoftmaxCrossEntropy!({ logits, labels }));
    expect(
      maxRelErr(
        loss.slice(0, 3),
        [0, 6, 3].map((t, n) => lse[n] - lv[n * K + t]),
      ),
    ).toBeLessThan(TOL);
    expect(loss[3]).toBeNaN();
    expect(loss[4]).toBeNaN();
    const grad = read(k.SoftmaxCrossEntropyGrad!({ logits, labels, dy }));
    const want = Float64Array.from(
      sm,
      (p, i) =>
        (p - (i % K === [0, 6, 3][Math.floor(i / K)] ? 1 : 0)) * [1, 2, 0.5][Math.floor(i / K)],
    );
    expect(maxRelErr(grad.slice(0, 3 * K), want.slice(0, 3 * K))).toBeLessThan(TOL);
    expect(Array.from(grad.slice(3 * K)).every(Number.isNaN)).toBe(true);
    free(logits, labels, dy);
  });
});

describe.skipIf(skipNative)('MatMul and layout kernels', () => {
  it('MatMul with transposes, broadcast batches and many small matrices', () => {
    const shapes: [boolean, boolean, number, number, number, number, number, number][] = [
      [false, false, 1, 1, 1, 120, 90, 130],
      [true, false, 3, 3, 1, 17, 9, 33],
      [false, true, 4, 1, 4, 5, 6, 7],
      [true, true, 2, 2, 2, 8, 3, 1],
      [false, false, 300, 300, 300, 8, 8, 8],
      [false, false, 2, 2, 2, 0, 3, 4],
      [false, false, 1, 1, 1, 3, 2, 0],
    ];
    for (const [ta, tb, batch, batchA, batchB, m, n, k] of shapes) {
      const av = randomValues(batchA * m * k, m + 1),
        bv = randomValues(batchB * k * n, n + 2);
      const a = input(av, ta ? [batchA, k, m] : [batchA, m, k]);
      const b = input(bv, tb ? [batchB, n, k] : [batchB, k, n]);
      const y = read(
        native().kernels.MatMul({
          a,
          b,
          transposeA: ta,
          transposeB: tb,
          batch,
          batchA,
          batchB,
          m,
          n,
          k,
        }),
      );
      expect(
        maxRelErr(y, naive.matmul(av, bv, ta, tb, batch, batchA, batchB, m, n, k)),
        JSON.stringify([ta, tb, batch, m, n, k]),
      ).toBeLessThan(TOL);
      free(a, b);
    }
  });

  it('Transpose, Slice, Pad, Concat (float32 and int32)', () => {
    const k = native().kernels;
    const xv = Int32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const x = input(xv, [2, 3, 4], 'int32');
    const t = read(k.Transpose({ x, perm: [2, 0, 1] }));
    expect(Array.from(t)).toEqual(
      Array.from({ length: 24 }, (_, i) => {
        const [c, a, b] = unravel(i, [4, 2, 3]);
        return xv[(a * 3 + b) * 4 + c];
      }),
    );
    expect(Array.from(read(k.Slice({ x, begin: [1, 1, 2], size: [1, 2, 2] })))).toEqual([
      18, 19, 22, 23,
    ]);
    const p = read(
      k.Pad({
        x: input([1, 2], [1, 2], 'int32'),
        paddings: [
          [1, 0],
          [0, 2],
        ],
        value: -3.7,
      }),
    );
    expect(Array.from(p)).toEqual([-3, -3, -3, -3, 1, 2, -3, -3]);
    const a = input([1, 2, 3, 4], [2, 2]),
      b = input([5, 6], [2, 1]);
    const c = read(k.Concat!({ xs: [a, b], axis: 1, outShape: [2, 3] }));
    expect(Array.from(c)).toEqual([1, 2, 5, 3, 4, 6]);
    free(x, a, b);
  });
});
