// Browser entry: core + the CPU backend, the smallest app that computes something.
// pack-smoke.mjs bundles it with Vite, reports its size, then runs the bundle in Node and
// compares `globalThis.tesseraSmoke` with a naive loop.
import '@tessera/backend-cpu';
import { matmul, relu, setBackend, tensor } from '@tessera/core';

await setBackend('cpu');
const a = tensor([
  [1, -2, 3],
  [4, 5, -6],
]);
const b = tensor([
  [1, 2],
  [3, 4],
  [5, 6],
]);
globalThis.tesseraSmoke = Array.from(await relu(matmul(a, b)).data());
