/**
 * `imageFolder(dir)`: the usual layout, one sub-folder per class, read from disk in Node.
 *
 *   images/cat/001.png  images/cat/002.jpg  images/dog/001.jpeg ...
 *
 * Decoded datasets are cached: in memory for the process, and (with `cacheFile`) as a
 * safetensors file whose header records every source file's size and modification time and
 * the options, so a second run skips decoding unless something changed.
 */
import { readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, checkOptions, opt } from '@tessera/core';
import { makeDataset } from '../data/dataset.js';
import { imageDataset, type ImageDatasetOptions, type ImageDatasetResult } from '../data/images.js';
import { decodeSafetensors, encodeSafetensors } from '../safetensors.js';

const EXTENSIONS = /\.(png|jpe?g)$/i;

export interface ImageFolderOptions extends ImageDatasetOptions {
  /** A safetensors file to keep the decoded dataset in between runs. */
  cacheFile?: string;
}

const memoryCache = new Map<string, ImageDatasetResult>();

function fsMessage(err: unknown): string {
  return err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
}

/** Class folders and their image files, sorted, with a fingerprint of sizes and times. */
function listFolder(dir: string): {
  files: { path: string; label: string }[];
  fingerprint: string;
} {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory())
      throw new ArgumentError(
        `imageFolder: '${dir}' is a file, expected a folder of class folders`,
      );
    entries = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof ArgumentError) throw err;
    throw new ArgumentError(`imageFolder: cannot read folder '${dir}' (${fsMessage(err)})`);
  }
  const files: { path: string; label: string }[] = [];
  const stamps: string[] = [];
  for (const label of entries) {
    const sub = join(dir, label);
    if (label.startsWith('.') || !statSync(sub).isDirectory()) continue;
    for (const name of readdirSync(sub).sort()) {
      if (!EXTENSIONS.test(name)) continue;
      const path = join(sub, name);
      const st = statSync(path);
      files.push({ path, label });
      stamps.push(`${label}/${name}:${st.size}:${st.mtimeMs}`);
    }
  }
  if (files.length === 0) {
    throw new ArgumentError(
      `imageFolder: no .png/.jpg/.jpeg images in class sub-folders of '${dir}' (expected ${dir}/<class>/<image>)`,
    );
  }
  return { files, fingerprint: stamps.join('|') };
}

function fromCacheFile(path: string, key: string): ImageDatasetResult | undefined {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return undefined; // no cache yet
  }
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.key !== key) return undefined;
  const images = tensors.images;
  const labels = tensors.labels;
  const classes = JSON.parse(metadata.classes ?? '[]') as string[];
  const [, c, h, w] = images.shape;
  const dataset = makeDataset(
    metadata.name ?? 'images',
    images.data as Float32Array,
    labels.data as Int32Array,
    [c, h, w],
    classes.length,
  );
  return {
    dataset,
    classes,
    skipped: JSON.parse(metadata.skipped ?? '[]') as ImageDatasetResult['skipped'],
  };
}

/** Forget the datasets decoded in this process (the cache files stay). */
export function clearImageFolderCache(): void {
  memoryCache.clear();
}

/** Load `dir/<class>/<image>` as a Dataset (see ImageDatasetOptions). */
export function imageFolder(dir: string, options: ImageFolderOptions = {}): ImageDatasetResult {
  const { cacheFile, ...datasetOptions } = checkOptions('imageFolder', options, {
    size: opt.checkedLater('[height, width]'),
    channels: opt.checkedLater('1 or 3'),
    mean: opt.checkedLater('one number per channel'),
    std: opt.checkedLater('one number per channel'),
    onError: opt.checkedLater("'fail' or 'skip'"),
    classes: opt.checkedLater('class names'),
    name: opt.checkedLater('a string'),
    cacheFile: opt.string(),
  });
  const { files, fingerprint } = listFolder(dir);
  const key = JSON.stringify({ dir, fingerprint, options: datasetOptions });
  const cached = memoryCache.get(key) ?? (cacheFile ? fromCacheFile(cacheFile, key) : undefined);
  if (cached) {
    memoryCache.set(key, cached);
    return cached;
  }
  const result = imageDataset(
    files.map((f) => ({
      name: f.path,
      label: f.label,
      bytes: new Uint8Array(readFileSync(f.path)),
    })),
    { name: dir, ...datasetOptions },
  );
  memoryCache.set(key, result);
  if (cacheFile) {
    const d = result.dataset;
    const bytes = encodeSafetensors(
      {
        images: { dtype: 'float32', shape: [d.size, ...d.imageShape], data: d.images },
        labels: { dtype: 'int32', shape: [d.size], data: d.labels },
      },
      {
        key,
        name: d.name,
        classes: JSON.stringify(result.classes),
        skipped: JSON.stringify(result.skipped),
      },
    );
    writeAtomic(cacheFile, bytes);
  }
  return result;
}

/** Temporary file + rename, so a crash never leaves a half-written cache behind. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}
