import { afterAll, describe, it } from 'vitest';
import {
  TEST_TILES,
  expectClose,
  f32,
  openBackend,
  random,
  tensor,
  values,
} from '../test/harness.js';
import { matmul } from '../test/naive.js';

const backends = await Promise.all(
  TEST_TILES.map(([, gemmTile]) => openBackend({ tuning: { gemmTile } })),
);
afterAll(() => backends.forEach((b) => b?.destroy()));

describe.skipIf(!backends[0]).each(TEST_TILES.map(([name], i) => [name, i] as const))(
  'MatMul, %s tile',
  (_, i) => {
    const b = backends[i]!;
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [2, 3, 4],
      [33, 17, 65],
      [64, 64, 64],
      [5, 70, 1],
      [1, 100, 37],
      [40, 0, 3],
      // Few outputs, long K: split-K partial sums, then a reduction.
      [5, 3000, 7],
    ];
    for (const [m, k, n] of sizes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          it(`${m}x${k} @ ${k}x${n}${ta ? ' transposeA' : ''}${tb ? ' transposeB' : ''}`, async () => {
            const a = random(m * k, m + k).map(f32);
            const bv = random(k * n, k + n + 1).map(f32);
            const o = { batch: 1, batchA: 1, batchB: 1, m, n, k, ta, tb };
            const y = b.kernels.MatMul({
              a: tensor(b, a, ta ? [k, m] : [m, k]),
              b: tensor(b, bv, tb ? [n, k] : [k, n]),
              transposeA: ta,
              transposeB: tb,
              batch: 1,
              batchA: 1,
              batchB: 1,
              m,
              n,
              k,
            });
            // float32 sums of k products carry about sqrt(k) roundings.
            expectClose(await values(b, y), matmul(a, bv, o), Math.max(1e-5, 3e-6 * Math.sqrt(k)));
          });
        }
      }
    }

    for (const [batchA, batchB] of [
      [3, 3],
      [1, 3],
      [3, 1],
    ]) {
      it(`batched 3 x (9x10 @ 10x11), batchA ${batchA}, batchB ${batchB}, transposes`, async () => {
        const [m, k, n] = [9, 10, 11];
        for (const [ta, tb] of [
          [false, false],
          [true, true],
        ]) {
          const a = random(batchA * m * k, 1).map(f32);
          const bv = random(batchB * k * n, 2).map(f32);
          const y = b.kernels.MatMul({
            a: tensor(b, a, ta ? [batchA, k, m] : [batchA, m, k]),
            b: tensor(b, bv, tb ? [batchB, n, k] : [batchB, k, n]),
            transposeA: ta,
            transposeB: tb,
            batch: 3,
            batchA,
            batchB,
            m,
            n,
            k,
          });
          expectClose(
            await values(b, y),
            matmul(a, bv, { batch: 3, batchA, batchB, m, n, k, ta, tb }),
            1e-5,
          );
        }
      });
    }
  },
);
