import { describe, expect, it } from 'vitest';
import { ArgumentError, memory } from '@tessera/core';
import { makeDataset, permutation, splitDataset } from './dataset.js';
import { batches, numBatches } from './batches.js';
import { loadMnist, loadMnistAll } from './mnist.js';
import { host } from '../test/helpers.js';

function counting(n: number) {
  const images = Float32Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return makeDataset('counting', images, labels, [1, 2, 2], 3);
}

describe('datasets and batches', () => {
  it('permutations are seeded and complete', () => {
    const p = permutation(50, 7);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(Array.from(permutation(50, 7))).toEqual(Array.from(p));
    expect(Array.from(permutation(50, 8))).not.toEqual(Array.from(p));
  });

  it('splits into disjoint train/test sets, the same for the same seed', () => {
    const ds = counting(20);
    const a = splitDataset(ds, 5, 1);
    const b = splitDataset(ds, 5, 1);
    expect(a.test.size).toBe(5);
    expect(a.train.size).toBe(15);
    expect(Array.from(a.test.images)).toEqual(Array.from(b.test.images));
    const ids = (d: typeof ds) => Array.from({ length: d.size }, (_, i) => d.images[i * 4]);
    const all = [...ids(a.train), ...ids(a.test)].sort((x, y) => x - y);
    expect(all).toEqual([...Array(20).keys()]);
    expect(() => splitDataset(ds, 20, 1)).toThrow(ArgumentError);
  });

  it('batches cover every example once, shuffled by seed, with the images matching labels', async () => {
    const ds = counting(10);
    expect(numBatches(ds, { batchSize: 4 })).toBe(3);
    expect(numBatches(ds, { batchSize: 4, dropLast: true })).toBe(2);
    const seen: number[] = [];
    const before = memory().numTensors;
    for (const b of batches(ds, { batchSize: 4, shuffle: true, seed: 3 })) {
      expect(b.x.shape).toEqual([b.size, 1, 2, 2]);
      expect(b.y.dtype).toBe('int32');
      const xs = await host(b.x);
      const ys = await host(b.y);
      for (let i = 0; i < b.size; i++) {
        const id = xs[i * 4];
        seen.push(id);
        expect(ys[i]).toBe(id % 3);
        expect(b.labels[i]).toBe(id % 3);
      }
      b.x.dispose();
      b.y.dispose();
    }
    expect(memory().numTensors).toBe(before);
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(seen).not.toEqual([...Array(10).keys()]);
    expect(() => makeDataset('bad', new Float32Array(3), new Int32Array(1), [1, 2, 2], 3)).toThrow(
      /need 4 image values/,
    );
  });

  it('MNIST from the mnist package: 10,000 digits, a fixed 8,000/2,000 split', async () => {
    const all = await loadMnistAll();
    expect(all.size).toBe(10_000);
    expect(all.imageShape).toEqual([1, 28, 28]);
    const perClass = new Array(10).fill(0);
    for (const l of all.labels) perClass[l]++;
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let max = 0;
    for (const v of all.images) max = Math.max(max, v);
    expect(max).toBeLessThanOrEqual(1);
    const a = await loadMnist();
    const b = await loadMnist();
    expect(a.train.size).toBe(8000);
    expect(a.test.size).toBe(2000);
    expect(Array.from(a.test.labels.subarray(0, 50))).toEqual(
      Array.from(b.test.labels.subarray(0, 50)),
    );
  });
});
