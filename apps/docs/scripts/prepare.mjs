/** Build-time inputs of the site: the packed MNIST digits and the generated API reference. */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { packMnist } from './mnist-pack.mjs';
import { generateApi } from './api.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
packMnist(join(root, 'src/public/data/mnist-10k.bin'));
const api = await generateApi(root);
console.log(
  `[docs] prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s; API reference for ${api.documented.join(', ')}`,
);
