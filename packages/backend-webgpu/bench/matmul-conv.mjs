/**
 * Tessera WebGPU vs @tensorflow/tfjs-backend-webgpu 4.22, side by side in one Node process on
 * the same adapter: matmul 256/512/1024, conv A (x [64,1,28,28], w [32,1,5,5], valid) and
 * conv B (x [B,64,56,56], w [64,64,3,3], pad 1).
 *
 *   node bench/matmul-conv.mjs [--rounds 3] [--min-ms 300] [--conv-b-batch 8] [--cases matmul256,convA]
 *
 * Both libraries share one Dawn GPU object (navigator.gpu), so they get the same adapter.
 * Each library uses its native image layout (Tessera NCHW, tfjs NHWC). A timed sample runs the
 * op `reps` times and awaits the last result's readback; contenders alternate round by round
 * and the median sample is reported. Needs `pnpm build` first (imports dist/).
 */
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'min-ms': { type: 'string', default: '300' },
    'conv-b-batch': { type: 'string', default: '8' },
    cases: { type: 'string', default: 'matmul256,matmul512,matmul1024,convA,convB' },
    json: { type: 'string' },
  },
});
const rounds = Number(opt.rounds);
const minMs = Number(opt['min-ms']);
const convBBatch = Number(opt['conv-b-batch']);

// ---- one WebGPU instance for both libraries ----
if (!globalThis.navigator?.gpu) {
  const flags = process.env.TESSERA_WEBGPU_FLAGS ? process.env.TESSERA_WEBGPU_FLAGS.split(',') : [];
  if (flags.includes('backend=opengles')) process.env.EGL_PLATFORM ??= 'surfaceless';
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create(flags) },
    configurable: true,
  });
}

const ts = await import('@tessera/core');
const { createWebGPUBackend } = await import('../dist/index.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');

const tessera = await createWebGPUBackend();
ts.registerBackend('webgpu-bench', () => tessera, { priority: -1 });
await ts.setBackend('webgpu-bench');
await tf.setBackend('webgpu');
await tf.ready();
const tfInfo = tf.backend().adapterInfo ?? {};
console.log(`adapter (tessera): ${tessera.adapterDescription}`);
console.log(
  `adapter (tfjs):    ${[tfInfo.vendor, tfInfo.architecture].filter(Boolean).join(' / ') || 'same navigator.gpu'}`,
);

// ---- cases ----
const convFlops = (x, w, pad) => {
  const [n, c, h, wd] = x;
  const [o, , kh, kw] = w;
  return 2 * n * o * (h + 2 * pad - kh + 1) * (wd + 2 * pad - kw + 1) * c * kh * kw;
};
const CASES = {
  matmul256: { kind: 'matmul', n: 256 },
  matmul512: { kind: 'matmul', n: 512 },
  matmul1024: { kind: 'matmul', n: 1024 },
  convA: { kind: 'conv', x: [64, 1, 28, 28], w: [32, 1, 5, 5], pad: 0 },
  convB: { kind: 'conv', x: [convBBatch, 64, 56, 56], w: [64, 64, 3, 3], pad: 1 },
};

function randomArray(n, seed) {
  const rng = ts.mulberry32(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}
const size = (s) => s.reduce((a, b) => a * b, 1);

function prepareTessera(c) {
  const inputs = [];
  const input = (shape, seed) => {
    const t = ts.tensor(randomArray(size(shape), seed), shape);
    inputs.push(t);
    return t;
  };
  let step;
  if (c.kind === 'matmul') {
    const a = input([c.n, c.n], 1);
    const b = input([c.n, c.n], 2);
    step = () => ts.matmul(a, b);
  } else {
    const x = input(c.x, 3);
    const w = input(c.w, 4);
    step = () => ts.conv2d(x, w, { padding: c.pad });
  }
  return {
    async run(reps) {
      let y;
      for (let i = 0; i < reps; i++) {
        y?.dispose();
        y = step();
      }
      await y.data();
      y.dispose();
    },
    dispose: () => ts.dispose(inputs),
  };
}

function prepareTfjs(c) {
  const inputs = [];
  const input = (shape, seed) => {
    const t = tf.tensor(randomArray(size(shape), seed), shape);
    inputs.push(t);
    return t;
  };
  let step;
  if (c.kind === 'matmul') {
    const a = input([c.n, c.n], 1);
    const b = input([c.n, c.n], 2);
    step = () => tf.matMul(a, b);
  } else {
    const [n, ch, h, w] = c.x;
    const [o, , kh, kw] = c.w;
    const x = input([n, h, w, ch], 3);
    const f = input([kh, kw, ch, o], 4);
    step = () => tf.conv2d(x, f, 1, c.pad === 0 ? 'valid' : 'same');
  }
  return {
    async run(reps) {
      let y;
      for (let i = 0; i < reps; i++) {
        y?.dispose();
        y = step();
      }
      await y.data();
      y.dispose();
    },
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}

/** Wall and process CPU milliseconds per run (CPU time covers the adapter's worker threads). */
async function sample(p, reps) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await p.run(reps);
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / reps, cpu: (c.user + c.system) / 1000 / reps };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = [];
for (const name of opt.cases.split(',')) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  const flops = c.kind === 'matmul' ? 2 * c.n ** 3 : convFlops(c.x, c.w, c.pad);
  const contenders = [
    { name: 'tessera-webgpu', p: prepareTessera(c) },
    { name: 'tfjs-webgpu', p: prepareTfjs(c) },
  ];
  for (const k of contenders) {
    await sample(k.p, 1); // compile pipelines, warm the pools
    const once = (await sample(k.p, 1)).wall;
    k.reps = Math.max(1, Math.ceil(minMs / Math.max(once, 1e-3)));
    k.samples = [];
  }
  for (let r = 0; r < rounds; r++)
    for (const k of contenders) k.samples.push(await sample(k.p, k.reps));
  const row = { case: name, flops };
  for (const k of contenders) {
    const ms = median(k.samples.map((s) => s.wall));
    const cpuMs = median(k.samples.map((s) => s.cpu));
    row[k.name] = {
      ms,
      gflops: flops / (ms * 1e6),
      cpuMs,
      reps: k.reps,
      samples: k.samples.length,
    };
    k.p.dispose();
  }
  row.ratio = row['tfjs-webgpu'].ms / row['tessera-webgpu'].ms;
  row.cpuRatio = row['tfjs-webgpu'].cpuMs / row['tessera-webgpu'].cpuMs;
  results.push(row);
  const fmt = (v) =>
    `${v.ms.toFixed(1).padStart(8)} ms ${v.gflops.toFixed(3).padStart(7)} GFLOP/s (cpu ${v.cpuMs.toFixed(0).padStart(6)} ms)`;
  console.log(
    `${name.padEnd(11)} tessera ${fmt(row['tessera-webgpu'])} | tfjs ${fmt(row['tfjs-webgpu'])} | ` +
      `tfjs/tessera time x${row.ratio.toFixed(2)}, cpu x${row.cpuRatio.toFixed(2)}`,
  );
}
if (opt.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    opt.json,
    JSON.stringify({ adapter: tessera.adapterDescription, convBBatch, results }, null, 2),
  );
}
tessera.destroy();
tf.backend().device?.destroy?.();
