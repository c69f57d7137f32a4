/**
 * Fuzzing the raw addon: thousands of random and adversarial calls (wrong types, NaN, negative
 * and overflowing sizes, freed and foreign ids, detached buffers, throwing getters, inconsistent
 * geometry...) at every exported function. Every call must either work or throw (or reject with)
 * an Error carrying one of the addon's codes, which maps to a TesseraError; at the end the process
 * is alive, the addon still computes correctly and no buffer leaked.
 */
import { TesseraError } from '@tessera/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BufferId, NativeAddon } from './addon-types.js';
import { isNativeError, toTesseraError } from './errors.js';
import { native, skipNative } from './test/setup.js';

// Functions fuzzed with random arguments. setNumThreads / setMemoryLimit / waitIdle are checked
// separately: random thread counts would spawn hundreds of threads on a 2-core machine.
const TARGETS = [
  'write',
  'read',
  'readSync',
  'dispose',
  'memory',
  'trim',
  'whenIdle',
  'info',
  'unary',
  'binary',
  'where',
  'cast',
  'fill',
  'biasAdd',
  'reduce',
  'softmax',
  'logSoftmax',
  'softmaxCrossEntropy',
  'softmaxCrossEntropyGrad',
  'transpose',
  'slice',
  'pad',
  'concat',
  'matmul',
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'im2col',
  'col2im',
  'maxPool',
  'maxPoolBackward',
  'avgPool',
  'avgPoolBackward',
] as const satisfies readonly (keyof NativeAddon)[];

const OPS = [
  'neg',
  'exp',
  'relu',
  'step',
  'add',
  'div',
  'greater',
  'equal',
  'sum',
  'max',
  'argmax',
  'float32',
  'int32',
  'float64',
  '',
];

function detachedFloat32(): Float32Array {
  const f = new Float32Array(4);
  structuredClone(f.buffer, { transfer: [f.buffer] });
  return f;
}

function throwingArray(): number[] {
  const a = [1, 2, 3];
  Object.defineProperty(a, 1, {
    get: () => {
      throw new RangeError('getter says no');
    },
  });
  return a;
}

describe.skipIf(skipNative)('fuzzing the raw addon', () => {
  let addon: NativeAddon;
  const base: BufferId[] = [];
  let disposed: BufferId;
  const created: BufferId[] = [];
  const pending: Promise<unknown>[] = [];
  let baseBuffers = 0;

  beforeAll(() => {
    addon = native().addon;
    addon.waitIdle();
    baseBuffers = addon.memory().numBuffers;
    addon.setMemoryLimit(64 << 20); // random-but-valid huge shapes fail cleanly instead of eating RAM
    const f = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    base.push(
      addon.write(f(6), [2, 3], 'float32'),
      addon.write(f(4), [4], 'float32'),
      addon.write(f(16), [1, 1, 4, 4], 'float32'),
      addon.write(f(150), [2, 3, 5, 5], 'float32'),
      addon.write(f(54), [2, 3, 3, 3], 'float32'),
      addon.write(Int32Array.from([0, 2, 7]), [3], 'int32'),
      addon.write(Int32Array.from([1, -1, 5, 2, 0, 3]), [2, 3], 'int32'),
      addon.write(f(1), [], 'float32'),
      addon.write(new Float32Array(0), [0, 3], 'float32'),
      addon.write(f(3), [3], 'float32'),
      addon.write(Int32Array.from([0, 2]), [2], 'int32'),
      addon.write(f(2), [2], 'float32'),
      addon.write(f(100), [2, 2, 5, 5], 'float32'),
      addon.write(f(486), [2, 27, 9], 'float32'),
      addon.write(f(24), [2, 3, 2, 2], 'float32'),
    );
    disposed = addon.write(f(2), [2], 'float32');
    addon.dispose(disposed);
  });

  afterAll(() => {
    addon.setMemoryLimit(0);
  });

  /** Throws unless `err` is one of the addon's coded errors (which become TesseraErrors). */
  function checkError(err: unknown, what: string): void {
    if (!isNativeError(err)) throw new Error(`${what} threw an uncoded error: ${String(err)}`);
    expect(toTesseraError(err)).toBeInstanceOf(TesseraError);
  }

  it('every call works or throws a coded error, and the process survives', async () => {
    const id = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...base) },
      { weight: 1, arbitrary: fc.constant(disposed) },
      { weight: 2, arbitrary: fc.integer({ min: -5, max: 10_000 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, NaN, Infinity, 2 ** 53, 2 ** 64, -0) },
    );
    const dim = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 6 }) },
      { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 31, 2 ** 40, 1e15, 0.5, NaN) },
    );
    const shape = fc.oneof(
      { weight: 6, arbitrary: fc.array(dim, { maxLength: 5 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<unknown>(
          [2, 3],
          [4],
          [1, 1, 4, 4],
          [2, 3, 5, 5],
          [],
          [3],
          [2 ** 20, 2 ** 20],
          new Int32Array([2, 3]),
          throwingArray(),
          Object.assign(new Array<number>(2), { 1: 3 }), // a hole at 0
          ['2', 3],
        ),
      },
    );
    const geom = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 17, maxLength: 17 }),
      },
      // Consistent geometries over the base buffers, with one field sometimes broken.
      {
        weight: 3,
        arbitrary: fc
          .record({
            n: fc.constantFrom(1, 2),
            c: fc.constantFrom(1, 3),
            h: fc.integer({ min: 1, max: 5 }),
            o: fc.integer({ min: 1, max: 3 }),
            k: fc.integer({ min: 1, max: 3 }),
            s: fc.integer({ min: 1, max: 2 }),
            p: fc.integer({ min: 0, max: 2 }),
            d: fc.integer({ min: 1, max: 2 }),
            breakAt: fc.integer({ min: -20, max: 16 }),
            breakWith: fc.constantFrom(-1, 0, 2 ** 31, 1e9, 0.5, 7),
          })
          .map(({ n, c, h, o, k, s, p, d, breakAt, breakWith }) => {
            const out = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
            const g: number[] = [n, c, h, h, o, k, k, s, s, p, p, p, p, d, d, out, out];
            if (breakAt >= 0) g[breakAt] = breakWith;
            return g;
          }),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<unknown>(
          throwingArray(),
          new Array(17).fill(NaN),
          new Array(17).fill(2 ** 31 - 1),
          [],
        ),
      },
    );
    const weird = fc.constantFrom<unknown>(
      undefined,
      null,
      true,
      'float32',
      Symbol('s'),
      10n,
      {},
      () => 1,
      new Float32Array(3),
      new Int32Array(4),
      new Float64Array(2),
      new Uint8Array(8),
      detachedFloat32(),
      new Float32Array(new SharedArrayBuffer(24)),
      new Proxy([1, 2], {}),
      { length: 2, 0: 1, 1: 2 },
      Object.defineProperty({}, 'x', {
        get: () => {
          throw new Error('x');
        },
      }),
    );
    const arg = fc.oneof(
      { weight: 4, arbitrary: id },
      { weight: 3, arbitrary: shape },
      { weight: 2, arbitrary: geom },
      { weight: 2, arbitrary: fc.constantFrom(...OPS) },
      { weight: 2, arbitrary: fc.boolean() },
      { weight: 2, arbitrary: fc.double() },
      { weight: 2, arbitrary: weird },
      { weight: 1, arbitrary: fc.array(id, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.anything() },
    );

    // Valid calls over the base buffers, so that fuzzing reaches the kernels; `mutated` then
    // breaks one or two arguments (or the arity) of a valid call.
    const B = base;
    const g = (n: number, c: number, h: number, o: number, k: number, s: number, p: number) => {
      const out = Math.floor((h + 2 * p - k) / s) + 1;
      return [n, c, h, h, o, k, k, s, s, p, p, p, p, 1, 1, out, out];
    };
    const op = fc.constantFrom(...OPS);
    const valid: Record<(typeof TARGETS)[number], fc.Arbitrary<unknown[]>> = {
      write: fc.constantFrom(
        [new Float32Array(6), [2, 3], 'float32'],
        [new Int32Array(3), [3], 'int32'],
        [new Float32Array(0), [0], 'float32'],
      ),
      read: fc.constantFrom(...B).map((b) => [b]),
      readSync: fc.constantFrom(...B).map((b) => [b]),
      dispose: fc.constant([]),
      memory: fc.constant([]),
      trim: fc.constant([]),
      whenIdle: fc.constant([]),
      info: fc.constant([]),
      unary: fc.tuple(op, fc.constantFrom(...B)),
      binary: fc
        .constantFrom<unknown[]>(
          [B[0], [2, 3], B[7], [], [2, 3]],
          [B[1], [4], B[1], [4], [4]],
          [B[6], [2, 3], B[5], [3], [2, 3]],
        )
        .chain((t) => op.map((o) => [o, ...t])),
      where: fc.constant([B[6], [2, 3], B[0], [2, 3], B[7], [], [2, 3]]),
      cast: fc.tuple(fc.constantFrom(...B), fc.constantFrom('float32', 'int32')),
      fill: fc.tuple(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
        fc.double(),
        fc.constantFrom('float32', 'int32'),
      ),
      biasAdd: fc.boolean().map((r) => [B[3], B[9], 2, 3, 25, r]),
      reduce: op.map((o) => [o, B[3], 2, 3, 25]),
      softmax: fc.constant([B[0], 2, 3]),
      logSoftmax: fc.constant([B[0], 2, 3]),
      softmaxCrossEntropy: fc.constant([B[0], B[10], 2, 3]),
      softmaxCrossEntropyGrad: fc.constant([B[0], B[10], B[11], 2, 3]),
      transpose: fc.constant([B[3], [2, 3, 5, 5], [0, 2, 3, 1]]),
      slice: fc.constant([B[3], [2, 3, 5, 5], [0, 1, 1, 0], [2, 2, 3, 5]]),
      pad: fc.double().map((v) => [B[0], [2, 3], [1, 0, 0, 2], v]),
      concat: fc.constant([
        [B[0], B[0]],
        [
          [2, 3],
          [2, 3],
        ],
        1,
        [2, 6],
      ]),
      matmul: fc.constant([B[0], B[0], false, true, 1, 1, 1, 2, 2, 3]),
      conv2d: fc
        .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 2 }))
        .map(([s, p]) => [B[3], B[4], g(2, 3, 5, 2, 3, s, p)]),
      conv2dBackpropInput: fc.constant([B[12], B[4], g(2, 3, 5, 2, 3, 1, 1)]),
      conv2dBackpropFilter: fc.constant([B[3], B[12], g(2, 3, 5, 2, 3, 1, 1)]),
      im2col: fc
        .tuple(
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 2 }),
        )
        .map(([k, s, p]) => [B[3], g(2, 3, 5, 1, k, s, p)]),
      col2im: fc.constant([B[13], g(2, 3, 5, 1, 3, 1, 0)]),
      maxPool: fc
        .tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 1 }),
        )
        .map(([k, s, p]) => [B[3], g(2, 3, 5, 3, k, s, p)]),
      maxPoolBackward: fc.constant([B[3], B[14], g(2, 3, 5, 3, 2, 2, 0)]),
      avgPool: fc.constant([B[3], g(2, 3, 5, 3, 2, 2, 0)]),
      avgPoolBackward: fc.constant([B[14], g(2, 3, 5, 3, 2, 2, 0)]),
    };
    const mutated = (t: (typeof TARGETS)[number]) =>
      fc
        .tuple(
          valid[t],
          fc.array(fc.tuple(fc.nat(11), arg), { maxLength: 2 }),
          fc.integer({ min: -1, max: 12 }),
        )
        .map(([args, edits, arity]) => {
          const a = [...args];
          for (const [i, v] of edits) a[i] = v;
          if (arity >= 0 && edits.length > 0) a.length = arity; // sometimes too few or too many
          return a;
        });
    const call = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(...TARGETS).chain((t) => valid[t].map((a) => [t, a] as const)),
      },
      {
        weight: 5,
        arbitrary: fc.constantFrom(...TARGETS).chain((t) => mutated(t).map((a) => [t, a] as const)),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...TARGETS), fc.array(arg, { maxLength: 11 })),
      },
    );

    let calls = 0,
      ok = 0;
    fc.assert(
      fc.property(call, ([name, args]) => {
        // Keep the base buffers alive: disposing created buffers (and bad ids) is fuzzed instead.
        if (name === 'dispose' && (args.length === 0 || base.includes(args[0] as number))) {
          args = [created.length > 0 ? created[created.length - 1] : -1, ...args.slice(1)];
        }
        calls++;
        let result: unknown;
        try {
          result = (addon[name] as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          checkError(err, name);
          return;
        }
        ok++;
        if (typeof result === 'number') created.push(result);
        if (result instanceof Promise)
          pending.push(result.catch((err: unknown) => checkError(err, `${name} (async)`)));
      }),
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? 10_000),
        seed: Number(process.env.FUZZ_SEED ?? 20250101),
      },
    );
    await Promise.all(pending);
    console.log(`fuzz: ${calls} calls, ${ok} succeeded, ${created.length} buffers created`);
    expect(created.length).toBeGreaterThan(1000); // the calls do reach the kernels, not only the checks
  }, 120_000);

  it('validates the configuration functions without acting on bad values', () => {
    for (const bad of [0, -1, 1.5, NaN, '2', undefined, 1e9]) {
      for (const fn of ['setNumThreads', 'setMemoryLimit'] as const) {
        if (fn === 'setMemoryLimit' && bad === 1e9) continue; // a valid limit
        try {
          addon[fn](bad as number);
          if (fn === 'setNumThreads') throw new Error(`setNumThreads(${String(bad)}) was accepted`);
        } catch (err) {
          checkError(err, fn);
        }
      }
    }
    addon.setMemoryLimit(64 << 20);
  });

  it('afterwards the addon still computes correctly and nothing leaked', () => {
    addon.waitIdle();
    for (const i of created) {
      try {
        addon.dispose(i);
      } catch (err) {
        checkError(err, 'dispose'); // already disposed by a fuzzed call
      }
    }
    expect(Array.from(addon.readSync(base[5]))).toEqual([0, 2, 7]);
    const y = addon.matmul(base[0], base[0], false, true, 1, 1, 1, 2, 2, 3);
    const v = addon.readSync(y);
    const x = addon.readSync(base[0]);
    expect(v[1]).toBeCloseTo(x[0] * x[3] + x[1] * x[4] + x[2] * x[5], 5);
    addon.dispose(y);
    expect(addon.memory().numBuffers).toBe(baseBuffers + base.length);
    for (const b of base) addon.dispose(b);
    expect(addon.memory()).toMatchObject({ numBuffers: baseBuffers, numBytes: 0 });
  });
});
