#!/usr/bin/env node
/**
 * What `fit` costs over a hand-written `trainStep` loop: the same LeNet epochs (same seed, batch
 * order and schedule) run both ways, interleaved A/B/A/B after a warm-up, on each backend given
 * (default: cpu, and native when it is built). Prints the median seconds per epoch and the ratio.
 * A benchmark measures, it never asserts a time.
 *
 *   node apps/cli/bench/fit-overhead.mjs [--backends cpu,native] [--rounds 5] [--limit 2048]
 */
import { setBackend } from '@tessera/core';
import { Adam, MODELS, batches, fit, loadMnist, mixSeed, subset, trainStep } from '@tessera/layers';
import '@tessera/backend-cpu';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc),
      [],
    ),
);
const rounds = Number(args.rounds ?? 5);
const limit = Number(args.limit ?? 2048);
let wanted = args.backends?.split(',');
if (!wanted) {
  wanted = ['cpu'];
  try {
    await import('@tessera/backend-native');
    wanted.push('native');
  } catch {
    // not built here: cpu only
  }
} else if (wanted.includes('native')) await import('@tessera/backend-native');

const { train } = await loadMnist();
const data = subset(
  train,
  Array.from({ length: Math.min(limit, train.size) }, (_, i) => i),
);
const batchSize = 32;

function fresh() {
  const model = MODELS.lenet.build({ inputShape: data.imageShape, numClasses: 10, seed: 0 });
  model.parameters();
  return { model, optimizer: new Adam(0.003) };
}

/** One epoch as `tessera train` did before fit: queue step k+1, then read step k. */
async function handWritten() {
  const { model, optimizer } = fresh();
  const t0 = performance.now();
  let inFlight;
  const settle = async (f) => {
    await f.r.loss.data();
    await f.r.correct?.data();
    for (const t of [f.r.loss, f.r.correct, f.b.x, f.b.y]) t?.dispose();
  };
  for (const b of batches(data, { batchSize, shuffle: true, seed: mixSeed(0, 1) })) {
    const r = trainStep(model, optimizer, b.x, b.y);
    if (inFlight) await settle(inFlight);
    inFlight = { r, b };
  }
  if (inFlight) await settle(inFlight);
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  optimizer.dispose();
  return s;
}

async function withFit() {
  const { model, optimizer } = fresh();
  const t0 = performance.now();
  await fit(model, optimizer, data, { epochs: 1, batchSize, seed: 0 });
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  optimizer.dispose();
  return s;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `fit vs a hand-written trainStep loop: LeNet, ${data.size} MNIST images, batch ${batchSize}, ` +
    `${rounds} interleaved rounds after a warm-up (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? 'unset'})`,
);
for (const name of wanted) {
  await setBackend(name);
  await handWritten();
  await withFit();
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await handWritten());
    b.push(await withFit());
  }
  const ma = median(a);
  const mb = median(b);
  console.log(
    `${name.padEnd(8)} hand-written ${ma.toFixed(3)} s/epoch   fit ${mb.toFixed(3)} s/epoch   ` +
      `fit / hand-written ${(mb / ma).toFixed(3)}x`,
  );
}
