/** Test helpers: host reads, naive reference loops, and tiny synthetic datasets. */
import { tensor, type Tensor } from '@tessera/core';
import { makeDataset, type Dataset } from '../data/dataset.js';
import { mulberry32 } from '@tessera/core';

export async function host(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

export function randomArray(n: number, seed: number, min = -1, max = 1): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => min + (max - min) * rng());
}

export function randomTensor(shape: number[], seed: number): Tensor {
  return tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * A learnable toy image dataset: class k has a bright k-th horizontal band plus noise,
 * so even a linear model separates it.
 */
export function bandsDataset(n: number, classes: number, side: number, seed: number): Dataset {
  const rng = mulberry32(seed);
  const images = new Float32Array(n * side * side);
  const labels = new Int32Array(n);
  const band = Math.max(1, Math.floor(side / classes));
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    labels[i] = k;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const on = r >= k * band && r < (k + 1) * band;
        images[i * side * side + r * side + c] = (on ? 0.8 : 0) + 0.3 * rng();
      }
    }
  }
  return makeDataset('bands', images, labels, [1, side, side], classes);
}

/** Naive float64 cross-correlation, NCHW x OIHW, with padding/stride/dilation. */
export function naiveConv2d(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  wt: ArrayLike<number>,
  [o, , kh, kw]: number[],
  { stride = 1, pad = 0, dilation = 1 } = {},
): { out: number[]; shape: number[] } {
  const oh = Math.floor((h + 2 * pad - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - dilation * (kw - 1) - 1) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let f = 0; f < o; f++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ch = 0; ch < c; ch++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const y = i * stride - pad + u * dilation;
                const xx = j * stride - pad + v * dilation;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                s += x[((b * c + ch) * h + y) * w + xx] * wt[((f * c + ch) * kh + u) * kw + v];
              }
          out.push(s);
        }
  return { out, shape: [n, o, oh, ow] };
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
): void {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (tol ${tol})`);
    }
  }
}
