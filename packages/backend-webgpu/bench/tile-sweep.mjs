/**
 * Sweep GEMM tile shapes for MatMul on this machine's adapter, to pick the default tuning.
 * Configurations are interleaved round by round; the measure is process CPU time (all threads),
 * which other load on a shared machine disturbs far less than wall time.
 *   TILES="8,8,4,4,16 16,16,4,4,16" node bench/tile-sweep.mjs [n=256] [rounds=5]
 */
import { createWebGPUBackend } from '../dist/index.js';

const n = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 5);
const configs = (process.env.TILES ?? '8,8,4,4,16 8,8,8,4,16 16,16,4,4,16 8,8,4,4,8')
  .split(' ')
  .map((s) => s.split(',').map(Number))
  .map(([WX, WY, RM, RN, TK, reg]) => ({
    WX,
    WY,
    RM,
    RN,
    TK,
    ...(reg ? { staging: 'registers' } : {}),
  }));

const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 13) / 13 - 0.5);
const entries = [];
for (const tile of configs) {
  const be = await createWebGPUBackend({ tuning: { gemmTile: tile } });
  const info = { dataId: be.write(a, [n, n], 'float32'), shape: [n, n], dtype: 'float32' };
  const run = () =>
    be.kernels.MatMul({
      a: info,
      b: info,
      transposeA: false,
      transposeB: false,
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: n,
      n,
      k: n,
    });
  be.disposeData(run());
  await be.sync();
  entries.push({ tile, be, run, ms: [] });
}
for (let r = 0; r < rounds; r++) {
  for (const e of entries) {
    // Process CPU time (all threads) is far less sensitive to other load than wall time.
    const c0 = process.cpuUsage();
    e.be.disposeData(e.run());
    await e.be.sync();
    const c = process.cpuUsage(c0);
    e.ms.push((c.user + c.system) / 1000);
  }
}
for (const e of entries) {
  const s = [...e.ms].sort((x, y) => x - y);
  const med = s[s.length >> 1];
  console.log(
    `${Object.values(e.tile).join(',').padEnd(14)} CPU time: median ${med.toFixed(1).padStart(7)} ms  best ${s[0].toFixed(1).padStart(7)} ms  ` +
      `${((2 * n ** 3) / s[0] / 1e6).toFixed(3)} GFLOP per CPU-s (best)`,
  );
  e.be.destroy();
}
