/**
 * The optional worker-thread GEMM. Worker threads need the compiled worker script, so the
 * threaded cases run the built package (`pnpm --filter @tessera/backend-cpu build` first);
 * from TypeScript sources the backend must fall back to one thread and say why.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu-backend.js';
import { randF32 } from '../test-utils.js';
import type { GemmCall } from './sgemm.js';

interface BuiltPackage {
  createCpuBackend(options: { threads: number }): CpuBackend;
  sgemm(call: GemmCall): void;
  parallelGemmRuns(): number;
}

const distEntry = new URL('../../dist/index.js', import.meta.url);

function naive(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  tA: boolean,
  b: Float32Array,
  tB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

describe('parallel GEMM', () => {
  it('from sources, asking for threads falls back to one thread with a reason', () => {
    const b = new CpuBackend({ threads: 2 });
    expect(b.threads.requested).toBe(2);
    expect(b.threads.active).toBe(1);
    expect(b.threads.reason).toMatch(/worker script .* not found/);
    b.destroy();
    expect(new CpuBackend().threads).toEqual({ requested: 1, active: 1 });
  });

  it('the built package splits large GEMMs over worker threads and matches a float64 loop', async () => {
    expect(
      existsSync(fileURLToPath(distEntry)),
      'build the package first: dist/index.js is missing',
    ).toBe(true);
    const pkg = (await import(distEntry.href)) as BuiltPackage;
    const backend = pkg.createCpuBackend({ threads: 3 });
    expect(backend.threads.active).toBe(3);
    // Workers start asynchronously; until they are ready, GEMMs run on this thread.
    await new Promise((r) => setTimeout(r, 500));
    const runsBefore = pkg.parallelGemmRuns();
    let seed = 1;
    // Column splits (n >= m) and row splits (m > n), ragged chunk edges, all flags.
    for (const [m, n, k] of [
      [50, 301, 160],
      [307, 41, 170],
    ])
      for (const tA of [false, true])
        for (const tB of [false, true])
          for (const accumulate of [false, true]) {
            const a = randF32(m * k, seed++);
            const b = randF32(k * n, seed++);
            const c0 = randF32(m * n, seed++);
            const c = c0.slice();
            pkg.sgemm({ m, n, k, a, b, c, transA: tA, transB: tB, accumulate });
            const want = naive(m, n, k, a, tA, b, tB);
            for (let i = 0; i < m * n; i++) {
              const e = want[i] + (accumulate ? c0[i] : 0);
              if (!(Math.abs(c[i] - e) <= 1e-5 * (1 + Math.abs(e)))) {
                expect.fail(
                  `m=${m} n=${n} k=${k} tA=${tA} tB=${tB} acc=${accumulate} [${i}]: ${c[i]} vs ${e}`,
                );
              }
            }
          }
    expect(pkg.parallelGemmRuns() - runsBefore).toBe(16); // every product above took the threaded path
    // Strided operands: the pool copies exactly the addressed rows.
    const [m, n, k] = [130, 140, 120];
    const a = randF32(3 + m * (k + 2), 50);
    const b = randF32(1 + k * (n + 5), 51);
    const c = new Float32Array(m * (n + 4)).fill(-7);
    pkg.sgemm({ m, n, k, a, aOffset: 3, lda: k + 2, b, bOffset: 1, ldb: n + 5, c, ldc: n + 4 });
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[3 + i * (k + 2) + p] * b[1 + p * (n + 5) + j];
        if (!(Math.abs(c[i * (n + 4) + j] - s) <= 1e-5 * (1 + Math.abs(s))))
          expect.fail(`strided [${i},${j}]`);
      }
      for (let j = n; j < n + 4; j++) expect(c[i * (n + 4) + j]).toBe(-7);
    }
    expect(pkg.parallelGemmRuns() - runsBefore).toBe(17);
    backend.destroy();
  });
});
