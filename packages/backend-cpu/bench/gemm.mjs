#!/usr/bin/env node
/**
 * Micro-benchmark of the CPU backend's GEMM and convolution kernels, called through the
 * backend object directly (no tensor/tape overhead). Build first:
 *   pnpm --filter @tessera/core build && pnpm --filter @tessera/backend-cpu build
 *   node packages/backend-cpu/bench/gemm.mjs [--quick] [--threads N]
 *
 * Prints GFLOP/s from wall time and from process CPU time. On a shared machine the CPU-time
 * figure is the better estimate of single-thread speed (wall time includes waiting for a core);
 * both are reported. Every kernel is warmed up before timing; outputs are disposed after each
 * run so the buffer pool serves the next one (as in a training loop).
 */
import { createCpuBackend } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const tIdx = process.argv.indexOf('--threads');
const threads = tIdx > 0 ? Number(process.argv[tIdx + 1]) : 1;
const backend = createCpuBackend({ threads });
const k = backend.kernels;
if (threads > 1) {
  console.log(`threads: ${JSON.stringify(backend.threads)}`);
  await new Promise((r) => setTimeout(r, 500)); // let the workers start
}

function rand(n, seed) {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

function tensor(shape, seed) {
  const size = shape.reduce((p, q) => p * q, 1);
  return { dataId: backend.write(rand(size, seed), shape, 'float32'), shape, dtype: 'float32' };
}

function convGeom(x, w, pad, stride = 1) {
  const [N, C, H, W] = x;
  const [O, , kH, kW] = w;
  return {
    batch: N,
    inChannels: C,
    inH: H,
    inW: W,
    outChannels: O,
    kH,
    kW,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padBottom: pad,
    padLeft: pad,
    padRight: pad,
    dilationH: 1,
    dilationW: 1,
    outH: Math.floor((H + 2 * pad - kH) / stride) + 1,
    outW: Math.floor((W + 2 * pad - kW) / stride) + 1,
  };
}

/** Runs fn (which returns a DataId) until `minMs` has passed, `rounds` times; best round wins. */
function time(fn, { warm = 2, minMs = quick ? 150 : 600, rounds = 3 } = {}) {
  for (let i = 0; i < warm; i++) backend.disposeData(fn());
  let bestWall = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < rounds; r++) {
    let reps = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      backend.disposeData(fn());
      reps++;
      t = performance.now();
    }
    const cpu = process.cpuUsage(c0);
    bestWall = Math.min(bestWall, (t - t0) / 1000 / reps);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6 / reps);
  }
  return { wall: bestWall, cpu: bestCpu };
}

function report(name, flops, t) {
  const g = (s) => (flops / s / 1e9).toFixed(2).padStart(6);
  console.log(
    `${name.padEnd(44)} ${(t.wall * 1000).toFixed(2).padStart(9)} ms  ${g(t.wall)} GFLOP/s wall  ${g(t.cpu)} GFLOP/s cpu-time`,
  );
}

console.log(
  `node ${process.version}, ${quick ? 'quick' : 'full'} run` +
    (threads > 1 ? ' (cpu-time sums all threads: compare wall time)' : ''),
);

for (const n of [256, 512, 1024]) {
  const a = tensor([1, n, n], 1);
  const b = tensor([1, n, n], 2);
  const t = time(() =>
    k.MatMul({
      a,
      b,
      transposeA: false,
      transposeB: false,
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: n,
      n,
      k: n,
    }),
  );
  report(`matmul ${n}x${n}x${n}`, 2 * n * n * n, t);
  backend.disposeData(a.dataId);
  backend.disposeData(b.dataId);
}

for (const [label, xs, ws, pad] of [
  ['conv A x[64,1,28,28] w[32,1,5,5] valid', [64, 1, 28, 28], [32, 1, 5, 5], 0],
  ['conv B x[8,64,56,56] w[64,64,3,3] pad 1', [8, 64, 56, 56], [64, 64, 3, 3], 1],
]) {
  const g = convGeom(xs, ws, pad);
  const x = tensor(xs, 3);
  const w = tensor(ws, 4);
  const dy = tensor([g.batch, g.outChannels, g.outH, g.outW], 5);
  const flops = 2 * g.batch * g.outChannels * g.inChannels * g.kH * g.kW * g.outH * g.outW;
  report(
    `${label} fwd`,
    flops,
    time(() => k.Conv2D({ x, w, geom: g })),
  );
  report(
    `${label.slice(0, 6)} backprop input`,
    flops,
    time(() => k.Conv2DBackpropInput({ dy, w, geom: g })),
  );
  report(
    `${label.slice(0, 6)} backprop filter`,
    flops,
    time(() => k.Conv2DBackpropFilter({ x, dy, geom: g })),
  );
  for (const t of [x, w, dy]) backend.disposeData(t.dataId);
}

const m = backend.memory();
console.log(`live bytes after run: ${m.numBytes} (pooled ${m.pooledBytes})`);
backend.destroy();
