#!/usr/bin/env node
// Native backend benchmarks, all in one process and one run:
//   * sgemm through the addon vs build/Release/sgemm_raw (a C program calling cblas_sgemm) on the
//     same sizes and thread count; the addon is timed call by call (matmul, wait, dispose) and
//     with 8 calls queued back to back;
//   * conv A (x [64,1,28,28], w [32,1,5,5], valid) and conv B (x [8,64,56,56], w [64,64,3,3],
//     pad 1): forward, and backward (input + filter gradients), straight through the addon.
// The whole backend against its peers (the cpu backend, TensorFlow.js, onnxruntime-node with the
// same thread count) is `pnpm tessera bench`, one table for every backend.
// Contenders are warmed up and interleaved over rounds. Each figure is the best time seen (the
// least disturbed by other work on a shared machine); medians are in the --json output. Numbers
// are noisy on a busy machine: compare the ratios within one run.
//
//   node bench/run.mjs [--quick] [--json FILE]
// Threads: TESSERA_NUM_THREADS (default: all cores). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are
// reported as found; unset them in the command to let OpenBLAS pick its kernels for this CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const release = join(root, 'build', 'Release');
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');

if (!existsSync(join(release, 'tessera_native.node'))) {
  console.error(
    'bench: the addon is not built; run pnpm --filter @tessera/backend-native build:native',
  );
  process.exit(1);
}
// The same OpenBLAS spin setting the backend's loader applies (src/loader.ts); sgemm_raw inherits it.
process.env.OPENBLAS_THREAD_TIMEOUT ??= process.env.GOTO_THREAD_TIMEOUT ?? '18';
const addon = require(join(release, 'tessera_native.node'));
const threads = Number(process.env.TESSERA_NUM_THREADS || availableParallelism());
addon.setNumThreads(threads);

const env = (k) => (process.env[k] === undefined ? 'unset' : process.env[k]);
console.log(
  `native backend bench: ${threads} thread(s); OPENBLAS_CORETYPE=${env('OPENBLAS_CORETYPE')}, ` +
    `OPENBLAS_L2_SIZE=${env('OPENBLAS_L2_SIZE')}, OPENBLAS_THREAD_TIMEOUT=${env('OPENBLAS_THREAD_TIMEOUT')}`,
);
console.log(`BLAS: ${addon.info().blas}`);
console.log('(shared machine: figures are noisy; compare the ratios within this run)\n');

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s >>> 8) / 16777216 - 0.5;
  }
  return a;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);

/** Per-call times (ms) of `reps` calls after a warm-up. */
async function times(fn, reps) {
  for (let i = 0; i < 2; i++) await fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return t;
}

const rounds = quick ? 2 : 5;
const results = { threads, openblasCoretype: env('OPENBLAS_CORETYPE'), sgemm: [], conv: [] };

// ---------------------------------------------------------------- sgemm
for (const n of [256, 512, 1024]) {
  const reps = quick ? 10 : { 256: 100, 512: 30, 1024: 8 }[n];
  const a = addon.write(rand(n * n, 1), [n, n], 'float32');
  const b = addon.write(rand(n * n, 2), [n, n], 'float32');
  const viaAddon = () => {
    const id = addon.matmul(a, b, false, false, 1, 1, 1, n, n, n);
    addon.waitIdle();
    addon.dispose(id);
  };
  // Queued back to back, as a model's kernels are (per-call time = batch time / 8).
  const pipelined = () => {
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(addon.matmul(a, b, false, false, 1, 1, 1, n, n, n));
    addon.waitIdle();
    for (const id of ids) addon.dispose(id);
  };
  const ours = [];
  const queued = [];
  const raw = [];
  const rawBest = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(...(await times(viaAddon, reps)));
    queued.push(...(await times(pipelined, Math.max(2, reps >> 3))).map((t) => t / 8));
    const args = [String(n), String(reps), String(threads)];
    const out = JSON.parse(execFileSync(join(release, 'sgemm_raw'), args, { encoding: 'utf8' }));
    raw.push(out.medianMs);
    rawBest.push(out.bestMs);
  }
  addon.dispose(a);
  addon.dispose(b);
  const gf = (ms) => (2 * n ** 3) / (ms * 1e6);
  const row = {
    n,
    addonGflops: gf(best(ours)),
    rawGflops: gf(best(rawBest)),
    addonMedianGflops: gf(median(ours)),
    addonQueuedGflops: gf(best(queued)),
    rawMedianGflops: gf(median(raw)),
  };
  row.ratio = row.addonGflops / row.rawGflops;
  results.sgemm.push(row);
  console.log(
    `sgemm n=${n}: addon ${row.addonGflops.toFixed(1)} GFLOP/s, raw C cblas_sgemm ` +
      `${row.rawGflops.toFixed(1)} GFLOP/s, ratio ${row.ratio.toFixed(3)} ` +
      `(medians ${row.addonMedianGflops.toFixed(1)} / ${row.rawMedianGflops.toFixed(1)}; ` +
      `addon with 8 calls queued back to back: ${row.addonQueuedGflops.toFixed(1)})`,
  );
}

// ---------------------------------------------------------------- conv
const convCases = [
  { name: 'A', x: [64, 1, 28, 28], w: [32, 1, 5, 5], pad: 0 },
  { name: 'B', x: [8, 64, 56, 56], w: [64, 64, 3, 3], pad: 1 },
];
console.log('');
for (const c of convCases) {
  const [N, C, H, W] = c.x;
  const [O, , K] = c.w;
  const out = H + 2 * c.pad - K + 1;
  const geom = [N, C, H, W, O, K, K, 1, 1, c.pad, c.pad, c.pad, c.pad, 1, 1, out, out];
  const xv = rand(N * C * H * W, 3);
  const wv = rand(O * C * K * K, 4);
  const x = addon.write(xv, c.x, 'float32');
  const w = addon.write(wv, c.w, 'float32');
  const dy = addon.write(rand(N * O * out * out, 5), [N, O, out, out], 'float32');
  const fwd = () => {
    const id = addon.conv2d(x, w, geom);
    addon.waitIdle();
    addon.dispose(id);
  };
  const bwd = () => {
    const dx = addon.conv2dBackpropInput(dy, w, geom);
    const dw = addon.conv2dBackpropFilter(x, dy, geom);
    addon.waitIdle();
    addon.dispose(dx);
    addon.dispose(dw);
  };
  const reps = quick ? 4 : c.name === 'A' ? 20 : 6;
  const ours = [];
  const back = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(...(await times(fwd, reps)));
    back.push(...(await times(bwd, reps)));
  }
  for (const id of [x, w, dy]) addon.dispose(id);
  const flop = 2 * N * O * C * K * K * out * out;
  const row = {
    name: c.name,
    forwardMs: best(ours),
    forwardGflops: flop / (best(ours) * 1e6),
    forwardMedianMs: median(ours),
    backwardMs: best(back),
    backwardMedianMs: median(back),
  };
  results.conv.push(row);
  console.log(
    `conv ${c.name} x=[${c.x}] w=[${c.w}] pad ${c.pad}: forward ${row.forwardMs.toFixed(2)} ms ` +
      `(${row.forwardGflops.toFixed(1)} GFLOP/s); backward (dx + dw) ${row.backwardMs.toFixed(2)} ms`,
  );
}

if (jsonAt > 0 && process.argv[jsonAt + 1]) {
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify(results, null, 2));
}
