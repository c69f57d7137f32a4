/**
 * Sweep GEMM tile shapes for MatMul on this machine's adapter, to pick the default tuning.
 *   node bench/tile-sweep.mjs [n=256] [reps=3]
 */
import { createWebGPUBackend } from '../dist/index.js';

const n = Number(process.argv[2] ?? 256);
const reps = Number(process.argv[3] ?? 3);
const configs = (process.env.TILES ?? '8,8,4,4,16 8,8,4,4,32 8,8,4,4,8 16,16,4,4,16 4,4,4,4,16 8,8,2,2,16 4,16,4,4,16 16,4,4,4,16 8,8,8,4,16 4,4,8,8,16')
  .split(' ')
  .map((s) => s.split(',').map(Number))
  .map(([WX, WY, RM, RN, TK]) => ({ WX, WY, RM, RN, TK }));

const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 13) / 13 - 0.5);
for (const tile of configs) {
  const be = await createWebGPUBackend({ tuning: { gemmTile: tile } });
  const info = { dataId: be.write(a, [n, n], 'float32'), shape: [n, n], dtype: 'float32' };
  const run = () =>
    be.kernels.MatMul({ a: info, b: info, transposeA: false, transposeB: false, batch: 1, batchA: 1, batchB: 1, m: n, n, k: n });
  be.disposeData(run());
  await be.sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) be.disposeData(run());
  await be.sync();
  const ms = (performance.now() - t0) / reps;
  console.log(`${JSON.stringify(tile)} ${ms.toFixed(1)} ms  ${((2 * n ** 3) / ms / 1e6).toFixed(3)} GFLOP/s`);
  be.destroy();
}
