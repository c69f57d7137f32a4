/**
 * Your own images as a Dataset: PNG and JPEG bytes (one class per folder name, or any labelled
 * list) decoded, resized and normalised on the host. Decoding uses pure-JS libraries (fast-png,
 * jpeg-js), so Node and browsers produce the same pixels from the same bytes; nothing here
 * touches a file system (the Node helper `imageFolder` in `@tessera/layers/node` reads folders,
 * a browser passes `File` bytes from `await file.arrayBuffer()`).
 */
import { ArgumentError, checkOptions, opt } from '@tessera/core';
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { FormatError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';

/** An image decoded to 8-bit RGBA. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  readonly data: Uint8Array;
}

/** Pixels beyond which a file is refused rather than decoded (memory stays bounded). */
const MAX_PIXELS = 64_000_000;

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Any PNG (gray, gray+alpha, RGB, RGBA, indexed; 1-16 bits) as 8-bit RGBA. */
function pngToRgba(bytes: Uint8Array): RgbaImage {
  const png = decodePng(bytes);
  const n = png.width * png.height;
  const out = new Uint8Array(n * 4);
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const ch = rgb.length / n; // 3, or 4 with transparency
    for (let i = 0; i < n; i++) {
      out.set(rgb.subarray(i * ch, i * ch + 3), i * 4);
      out[i * 4 + 3] = ch === 4 ? rgb[i * ch + 3] : 255;
    }
    return { width: png.width, height: png.height, data: out };
  }
  const src = png.data;
  const shift = png.depth === 16 ? 8 : 0;
  const scale = png.depth < 8 ? 255 / (2 ** png.depth - 1) : 1;
  const v = (i: number) => Math.round((src[i] >> shift) * scale);
  const c = png.channels;
  for (let i = 0; i < n; i++) {
    const gray = c <= 2;
    out[i * 4] = v(i * c);
    out[i * 4 + 1] = gray ? v(i * c) : v(i * c + 1);
    out[i * 4 + 2] = gray ? v(i * c) : v(i * c + 2);
    out[i * 4 + 3] = c === 2 || c === 4 ? v(i * c + c - 1) : 255;
  }
  return { width: png.width, height: png.height, data: out };
}

/** Decode PNG or JPEG bytes; `name` (a path) is named in every error. */
export function decodeImage(bytes: Uint8Array, name: string): RgbaImage {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(`decodeImage: '${name}' must be given as a Uint8Array of file bytes`);
  }
  try {
    if (isPng(bytes)) {
      const img = pngToRgba(bytes);
      if (img.width * img.height > MAX_PIXELS) throw new Error('the image is too large');
      return img;
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FormatError(`image '${name}': cannot be decoded (${why})`);
  }
  throw new FormatError(`image '${name}': not a PNG or JPEG file`);
}

/**
 * Bilinear resample of one RGBA image to [channels, h, w] floats in [0, 1] (half-pixel
 * centres, as image libraries and PyTorch's align_corners=False). One channel is luminance
 * (ITU-R BT.601 weights); alpha is dropped.
 */
export function resizeToChannels(
  img: RgbaImage,
  channels: 1 | 3,
  h: number,
  w: number,
): Float32Array {
  const out = new Float32Array(channels * h * w);
  const sy = img.height / h;
  const sx = img.width / w;
  const px = (x: number, y: number, c: number) => img.data[(y * img.width + x) * 4 + c];
  for (let oy = 0; oy < h; oy++) {
    const fy = Math.min(Math.max((oy + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let ox = 0; ox < w; ox++) {
      const fx = Math.min(Math.max((ox + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      const sample = (c: number) =>
        (1 - wy) * ((1 - wx) * px(x0, y0, c) + wx * px(x1, y0, c)) +
        wy * ((1 - wx) * px(x0, y1, c) + wx * px(x1, y1, c));
      if (channels === 1) {
        out[oy * w + ox] = (0.299 * sample(0) + 0.587 * sample(1) + 0.114 * sample(2)) / 255;
      } else {
        for (let c = 0; c < 3; c++) out[c * h * w + oy * w + ox] = sample(c) / 255;
      }
    }
  }
  return out;
}

export interface ImageDatasetOptions {
  /** Output [height, width] (default: the first image's size). */
  size?: readonly [number, number];
  /** 1 (grayscale) or 3 (RGB, default). */
  channels?: 1 | 3;
  /** Per-channel mean and std applied after scaling to [0, 1] (default: none). */
  mean?: readonly number[];
  std?: readonly number[];
  /** 'fail' (default): a bad image stops with its path; 'skip': left out and reported. */
  onError?: 'fail' | 'skip';
  /** Class names in label order (default: the labels found, sorted). */
  classes?: readonly string[];
  /** Dataset name (default 'images'). */
  name?: string;
}

export interface LabelledImage {
  /** A path or file name, for errors. */
  readonly name: string;
  /** The class name (a folder name). */
  readonly label: string;
  readonly bytes: Uint8Array;
}

export interface ImageDatasetResult {
  readonly dataset: Dataset;
  readonly classes: readonly string[];
  /** Images left out with onError 'skip', with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

const imageOptionsSchema = {
  size: opt.arrayOf(opt.number({ integer: true, min: 1 }), 2),
  channels: opt.oneOf(1, 3),
  mean: opt.arrayOf(opt.number()),
  std: opt.arrayOf(opt.number({ greaterThan: 0 })),
  onError: opt.oneOf('fail', 'skip'),
  classes: opt.arrayOf(opt.string()),
  name: opt.string(),
};

/** Decode, resize and normalise labelled images into a Dataset. */
export function imageDataset(
  images: readonly LabelledImage[],
  options: ImageDatasetOptions = {},
): ImageDatasetResult {
  const op = 'imageDataset';
  checkOptions(op, options, imageOptionsSchema);
  const channels = options.channels ?? 3;
  for (const key of ['mean', 'std'] as const) {
    const v = options[key];
    if (v && v.length !== channels) {
      throw new ArgumentError(
        `${op}: '${key}' needs ${channels} values (one per channel), got ${v.length}`,
      );
    }
  }
  const classes = options.classes ?? [...new Set(images.map((i) => i.label))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const skipped: { name: string; reason: string }[] = [];
  const decoded: { img: RgbaImage; label: number }[] = [];
  for (const item of images) {
    const label = index.get(item.label);
    if (label === undefined) {
      throw new ArgumentError(
        `${op}: '${item.name}' has class '${item.label}', not among ${classes.join(', ')}`,
      );
    }
    try {
      decoded.push({ img: decodeImage(item.bytes, item.name), label });
    } catch (err) {
      if (options.onError !== 'skip' || !(err instanceof FormatError)) throw err;
      skipped.push({ name: item.name, reason: err.message });
    }
  }
  if (decoded.length === 0) {
    throw new ArgumentError(
      `${op}: no images to load` + (skipped.length ? ` (${skipped.length} skipped)` : ''),
    );
  }
  const [h, w] = options.size ?? [decoded[0].img.height, decoded[0].img.width];
  const per = channels * h * w;
  const data = new Float32Array(decoded.length * per);
  const labels = new Int32Array(decoded.length);
  decoded.forEach(({ img, label }, i) => {
    const x = resizeToChannels(img, channels, h, w);
    for (let c = 0; c < channels; c++) {
      const m = options.mean?.[c] ?? 0;
      const s = options.std?.[c] ?? 1;
      for (let j = c * h * w; j < (c + 1) * h * w; j++) x[j] = (x[j] - m) / s;
    }
    data.set(x, i * per);
    labels[i] = label;
  });
  const dataset = makeDataset(
    options.name ?? 'images',
    data,
    labels,
    [channels, h, w],
    classes.length,
  );
  return { dataset, classes, skipped };
}
