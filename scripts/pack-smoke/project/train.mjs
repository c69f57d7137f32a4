// Runs in the smoke project, against the INSTALLED tarballs: trains a tiny ConvNet
// (conv 3x3 -> ReLU -> FC) to tell horizontal from vertical bars in 6x6 images, on the backend
// named on the command line. Prints one line `RESULT {json}` for scripts/pack-smoke.mjs.
import '@tessera/backend-cpu';
import '@tessera/backend-native';
import { getBackend, memory, mulberry32, setBackend, tensor } from '@tessera/core';
import { Conv2d, Flatten, Linear, ReLU, SGD, Sequential, trainStep } from '@tessera/layers';

const BACKEND = process.argv[2] ?? 'cpu';
try {
  await setBackend(BACKEND); // the one line that picks where the model runs
} catch (err) {
  console.log(`UNAVAILABLE ${err instanceof Error ? err.message : String(err)}`);
  process.exit(3);
}

// 32 images [1, 6, 6]: class 0 has a bright row, class 1 a bright column, plus noise.
const N = 32;
const rng = mulberry32(7);
const images = new Float32Array(N * 36);
const labels = new Int32Array(N);
for (let n = 0; n < N; n++) {
  const cls = n % 2;
  const line = Math.floor(rng() * 6);
  labels[n] = cls;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      const on = cls === 0 ? i === line : j === line;
      images[n * 36 + i * 6 + j] = (on ? 1 : 0) + 0.2 * (rng() - 0.5);
    }
  }
}
const x = tensor(images, [N, 1, 6, 6]);
const y = tensor(labels, [N], 'int32');

const model = new Sequential(
  [new Conv2d(1, 4, 3), new ReLU(), new Flatten(), new Linear(4 * 4 * 4, 2)],
  { seed: 3 },
);
const opt = new SGD(0.1, { momentum: 0.9 });
const losses = [];
let tensorsAfterFirst = 0;
let correct = 0;
for (let step = 0; step < 25; step++) {
  const r = trainStep(model, opt, x, y);
  losses.push((await r.loss.data())[0]);
  if (r.correct) correct = (await r.correct.data())[0];
  r.loss.dispose();
  r.correct?.dispose();
  if (step === 0) tensorsAfterFirst = memory().numTensors;
}
const result = {
  backend: getBackend().name,
  losses,
  accuracy: correct / N,
  tensorsAfterFirst,
  tensorsAtEnd: memory().numTensors,
};
console.log(`RESULT ${JSON.stringify(result)}`);
