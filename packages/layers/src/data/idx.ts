/**
 * IDX files, the format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte`, ...):
 *   bytes 0-1: 0x00 0x00   byte 2: element type   byte 3: number of dimensions d
 *   then d big-endian uint32 sizes, then the elements, big-endian, row-major.
 * Parsing is pure (bytes in, arrays out) so it runs in browsers too; reading files and
 * gunzipping `.gz` files is the caller's job (the CLI does it with node:zlib).
 */
import { ShapeError, formatShape } from '@tessera/core';
import { FormatError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  /** The elements as float64 values would be wasteful; uint8 stays a Uint8Array. */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Parse one IDX file's bytes; `name` appears in errors (e.g. the file name). */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (!(bytes instanceof Uint8Array))
    throw new FormatError(`${name}: expected a Uint8Array of file bytes`);
  if (bytes.length < 4)
    throw new FormatError(
      `${name}: ${bytes.length} bytes is too short for an IDX header (4 bytes)`,
    );
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz =
      bytes[0] === 0x1f && bytes[1] === 0x8b
        ? ' (this looks gzip-compressed: gunzip it first)'
        : '';
    throw new FormatError(
      `${name}: bad magic number ${[...bytes.subarray(0, 4)].map(hex).join(' ')}: an IDX file starts with 0x00 0x00${gz}`,
    );
  }
  const t = TYPES[bytes[2]];
  if (!t)
    throw new FormatError(
      `${name}: unknown element type ${hex(bytes[2])} in the magic number (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)`,
    );
  const rank = bytes[3];
  if (rank === 0) throw new FormatError(`${name}: the magic number declares 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new FormatError(
      `${name}: truncated header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const dataBytes = bytes.length - headerBytes;
  // Compare before allocating: the header alone must not be able to ask for a huge array.
  if (count * t.bytes !== dataBytes) {
    throw new FormatError(
      `${name}: size mismatch: the header declares ${t.type} ${formatShape(shape)} = ${count * t.bytes} bytes of data, ` +
        `but the file has ${dataBytes} bytes after the ${headerBytes}-byte header` +
        (count * t.bytes > dataBytes ? ' (truncated file?)' : ''),
    );
  }
  const body = bytes.subarray(headerBytes);
  let data: IdxArray['data'];
  switch (t.type) {
    case 'uint8':
      data = Uint8Array.from(body);
      break;
    case 'int8':
      data = new Int8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      break;
    case 'int16':
      data = Int16Array.from({ length: count }, (_, i) =>
        view.getInt16(headerBytes + 2 * i, false),
      );
      break;
    case 'int32':
      data = Int32Array.from({ length: count }, (_, i) =>
        view.getInt32(headerBytes + 4 * i, false),
      );
      break;
    case 'float32':
      data = Float32Array.from({ length: count }, (_, i) =>
        view.getFloat32(headerBytes + 4 * i, false),
      );
      break;
    case 'float64':
      data = Float64Array.from({ length: count }, (_, i) =>
        view.getFloat64(headerBytes + 8 * i, false),
      );
      break;
  }
  return { type: t.type, shape, data };
}

export interface IdxDatasetOptions {
  name?: string;
  /** Default: max label + 1, at least 10 (MNIST-style). */
  numClasses?: number;
  /** Divide pixel values by this (default 255 for uint8 images, else 1). */
  scale?: number;
}

/**
 * A dataset from an images file [N, H, W] (or [N, C, H, W]) and a labels file [N].
 * uint8 pixels are scaled to [0, 1].
 */
export function idxDataset(
  images: IdxArray,
  labels: IdxArray,
  options: IdxDatasetOptions = {},
): Dataset {
  const name = options.name ?? 'idx';
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new ShapeError(
      `${name}: images must be [N, H, W] or [N, C, H, W], got ${formatShape(images.shape)}`,
    );
  }
  if (labels.shape.length !== 1)
    throw new ShapeError(`${name}: labels must be [N], got ${formatShape(labels.shape)}`);
  if (labels.type === 'float32' || labels.type === 'float64')
    throw new FormatError(`${name}: labels must be integers, got ${labels.type}`);
  const n = images.shape[0];
  if (labels.shape[0] !== n) {
    throw new ShapeError(
      `${name}: ${n} images (${formatShape(images.shape)}) but ${labels.shape[0]} labels`,
    );
  }
  const [c, h, w] =
    images.shape.length === 3 ? [1, images.shape[1], images.shape[2]] : images.shape.slice(1);
  const scale = options.scale ?? (images.type === 'uint8' ? 255 : 1);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / scale;
  const ints = Int32Array.from(labels.data);
  let maxLabel = 0;
  for (const l of ints) maxLabel = Math.max(maxLabel, l);
  const numClasses = options.numClasses ?? Math.max(10, maxLabel + 1);
  return makeDataset(name, pixels, ints, [c, h, w], numClasses);
}
