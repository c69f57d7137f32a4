/**
 * The safetensors format (https://github.com/huggingface/safetensors), readable by PyTorch,
 * JAX and the Hugging Face tools:
 *   8 bytes   N, little-endian uint64: the header length
 *   N bytes   UTF-8 JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *             ..., "__metadata__": {"key": "value"}}  (space-padded)
 *   rest      the tensors' bytes, little-endian; offsets are relative to the start of this part.
 *
 * The reader trusts nothing: the header length is bounded by the file and a hard limit before
 * anything is decoded; the JSON must be an object of well-formed entries; every dtype must be
 * known; each shape must match its byte range exactly; ranges must lie inside the data and tile
 * it with no overlap and no gap (as the reference implementation requires). Any violation is a
 * FormatError (a TesseraError); nothing is allocated beyond the size of the input.
 */
import { ArgumentError, Tensor, noGrad, tensor, type DType } from '@tessera/core';
import { FormatError } from './errors.js';
import type { Module, LoadStateDictOptions } from './module.js';

/** The reference implementation's limit on the header size. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** A decoded tensor on the host. Floating dtypes become float32, integer dtypes int32. */
export interface HostTensor {
  /** The dtype stored in the file, e.g. 'F32', 'BF16'. */
  readonly fileDType: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

export interface DecodedSafetensors {
  /** Null-prototype record, in file order. */
  readonly tensors: Readonly<Record<string, HostTensor>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface DecodeOptions {
  /** Lower the header size limit (default MAX_HEADER_BYTES). */
  maxHeaderBytes?: number;
}

interface Entry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function fail(message: string): never {
  throw new FormatError(`safetensors: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEntry(name: string, raw: unknown): Entry {
  if (!isPlainObject(raw))
    fail(`entry '${name}' must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    fail(
      `entry '${name}' has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(
      `entry '${name}' has an invalid shape ${JSON.stringify(shape)} (expected non-negative integers)`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    fail(
      `entry '${name}' has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] with 0 <= begin <= end)`,
    );
  }
  const [begin, end] = offsets as [number, number];
  // Element count times item size must equal the byte range; stop early instead of overflowing.
  const span = end - begin;
  let bytes = DTYPE_BYTES[dtype];
  if ((shape as number[]).includes(0)) bytes = 0;
  else {
    for (const d of shape as number[]) {
      bytes *= d;
      if (bytes > span) break;
    }
  }
  if (bytes !== span) {
    fail(
      `entry '${name}': shape ${JSON.stringify(shape)} of ${dtype} needs ${bytes > span ? 'more than ' + span : bytes} bytes ` +
        `but data_offsets [${begin}, ${end}] span ${span}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function convert(e: Entry, view: DataView, base: number): HostTensor {
  const n = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
  const at = base + e.begin;
  let data: Float32Array | Int32Array;
  switch (e.dtype) {
    case 'F32':
      data = Float32Array.from({ length: n }, (_, i) => view.getFloat32(at + 4 * i, true));
      break;
    case 'F64':
      data = Float32Array.from({ length: n }, (_, i) => view.getFloat64(at + 8 * i, true));
      break;
    case 'F16':
      data = Float32Array.from({ length: n }, (_, i) =>
        halfToFloat(view.getUint16(at + 2 * i, true)),
      );
      break;
    case 'BF16':
      data = Float32Array.from({ length: n }, (_, i) =>
        bf16ToFloat(view.getUint16(at + 2 * i, true)),
      );
      break;
    case 'I32':
      data = Int32Array.from({ length: n }, (_, i) => view.getInt32(at + 4 * i, true));
      break;
    case 'I16':
      data = Int32Array.from({ length: n }, (_, i) => view.getInt16(at + 2 * i, true));
      break;
    case 'I8':
      data = Int32Array.from({ length: n }, (_, i) => view.getInt8(at + i));
      break;
    case 'U8':
    case 'BOOL':
      data = Int32Array.from({ length: n }, (_, i) => view.getUint8(at + i));
      break;
    case 'I64':
      data = Int32Array.from({ length: n }, (_, i) => {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > 2147483647n || v < -2147483648n)
          fail(`entry '${e.name}': I64 value ${v} does not fit int32`);
        return Number(v);
      });
      break;
    default:
      fail(
        `entry '${e.name}': dtype ${e.dtype} is valid safetensors but not supported here (use F32, F16, BF16, F64 or an integer type)`,
      );
  }
  const floating = data instanceof Float32Array;
  return { fileDType: e.dtype, dtype: floating ? 'float32' : 'int32', shape: e.shape, data };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}

/** The first bytes of a file, as text when they are printable ASCII, else as hex. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 12);
  const printable = head.every(
    (b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09,
  );
  if (printable) return JSON.stringify(String.fromCharCode(...head));
  return [...head].map((b) => b.toString(16).padStart(2, '0')).join(' ') + ' (hex)';
}

/** Parse and validate a safetensors file; throws FormatError on anything malformed. */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array))
    throw new ArgumentError('safetensors: expected a Uint8Array of file bytes');
  const limit = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (bytes.length < 8)
    fail(`${bytes.length} bytes is too short (the header length alone takes 8)`);
  // Every safetensors file has its JSON header's '{' right after the 8-byte length: without it,
  // the first bytes are not a length at all (a text file, an image, a PyTorch .pt zip, ...).
  if (bytes.length > 8 && bytes[8] !== 0x7b) {
    fail(
      `this is not a safetensors file: it starts with ${describeStart(bytes)}, but a safetensors ` +
        `file starts with an 8-byte header length followed by a JSON header '{'`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > limit)
    fail(`header length ${headerLength} is over the limit of ${limit} bytes`);
  if (headerLength > bytes.length - 8) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }
  if (headerLength < 2) fail(`header length ${headerLength} is too small for a JSON object`);
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) fail(`the header must start with '{'`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`the header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isPlainObject(header)) fail('the header must be a JSON object');
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(raw)) fail(`'__metadata__' must be an object of strings`);
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string')
          fail(`'__metadata__' value for '${k}' must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, raw));
  }
  const dataLength = bytes.length - 8 - headerLength;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.end > dataLength) {
      fail(
        `entry '${e.name}' data_offsets [${e.begin}, ${e.end}] run past the ${dataLength} bytes of tensor data`,
      );
    }
    if (e.begin < cursor)
      fail(
        `entry '${e.name}' data_offsets [${e.begin}, ${e.end}] overlap another tensor (which ends at ${cursor})`,
      );
    if (e.begin > cursor)
      fail(`there is a gap of unused bytes [${cursor}, ${e.begin}) before entry '${e.name}'`);
    cursor = e.end;
  }
  if (cursor !== dataLength)
    fail(`the tensors cover ${cursor} bytes but the file has ${dataLength} bytes of tensor data`);
  const tensors: Record<string, HostTensor> = Object.create(null) as Record<string, HostTensor>;
  const base = 8 + headerLength;
  for (const e of entries) tensors[e.name] = convert(e, view, base);
  return { tensors, metadata };
}

export interface EncodeInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** Write host arrays as safetensors (F32 / I32), names sorted, header space-padded to 8 bytes. */
export function encodeSafetensors(
  tensors: Readonly<Record<string, EncodeInput>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header = Object.create(null) as Record<string, unknown>;
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new ArgumentError(`safetensors: metadata '${k}' must be a string`);
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new ArgumentError(`safetensors: '__metadata__' is reserved and cannot name a tensor`);
    const t = tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) {
      throw new ArgumentError(
        `safetensors: '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`,
      );
    }
    const nbytes = count * 4;
    header[name] = {
      dtype: t.dtype === 'int32' ? 'I32' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + nbytes],
    };
    offset += nbytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (padded > json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const { data, dtype } = tensors[name];
    for (let i = 0; i < data.length; i++, at += 4) {
      if (dtype === 'int32') view.setInt32(at, data[i], true);
      else view.setFloat32(at, data[i], true);
    }
  }
  return out;
}

/** Read tensors back to the host and encode them. */
export async function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const host = Object.create(null) as Record<string, EncodeInput>;
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`safetensors: '${name}' is not a Tensor`);
    host[name] = {
      dtype: t.dtype,
      shape: t.shape,
      data: (await t.data()) as Float32Array | Int32Array,
    };
  }
  return encodeSafetensors(host, metadata);
}

/** Decode and upload every tensor to the active backend. The caller owns the tensors. */
export function loadSafetensors(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): {
  tensors: Record<string, Tensor>;
  metadata: Readonly<Record<string, string>>;
} {
  const decoded = decodeSafetensors(bytes, options);
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, h] of Object.entries(decoded.tensors))
    tensors[name] = tensor(h.data, h.shape, h.dtype);
  return { tensors, metadata: decoded.metadata };
}

/** A model's parameters as a safetensors file (with optional string metadata). */
export async function saveModel(
  model: Module,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const state = model.stateDict();
  try {
    return await saveSafetensors(state, metadata);
  } finally {
    for (const t of Object.values(state)) t.dispose();
  }
}

/** Load a safetensors file into a model (validated names and shapes); returns the file's metadata. */
export function loadModel(
  model: Module,
  bytes: Uint8Array,
  options: LoadStateDictOptions = {},
): Readonly<Record<string, string>> {
  const decoded = decodeSafetensors(bytes);
  for (const [name, h] of Object.entries(decoded.tensors)) {
    if (h.dtype !== 'float32')
      throw new FormatError(
        `safetensors: parameter '${name}' is ${h.fileDType}, expected a floating type`,
      );
  }
  const tensors = noGrad(() => {
    const out = Object.create(null) as Record<string, Tensor>;
    for (const [name, h] of Object.entries(decoded.tensors))
      out[name] = tensor(h.data, h.shape, h.dtype);
    return out;
  });
  try {
    model.loadStateDict(tensors, options);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  return decoded.metadata;
}
