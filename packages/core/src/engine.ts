/**
 * Bookkeeping shared by every op: data reference counts, live-tensor counts, and `tidy` scopes.
 *
 * Several tensors may view one buffer (reshape shares data), so buffers are reference counted:
 * the backend's `disposeData` runs when the last viewing tensor is disposed.
 */
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';
import type { Backend } from './backend/backend.js';
import type { DataId } from './backend/kernels.js';
import { Tensor } from './tensor.js';
import { ArgumentError } from './errors.js';

interface DataRecord {
  backend: Backend;
  refs: number;
  bytes: number;
  /** [min, max] of int32 values uploaded from the host; lets ops validate indices for free. */
  hostRange?: readonly [number, number];
}

const dataRecords = new Map<DataId, DataRecord>();
const liveTensors = new Map<string, { tensors: number; bytes: number; buffers: number }>();
let numTensorsTotal = 0;

interface Scope {
  tensors: Set<Tensor>;
}
const scopes: Scope[] = [];
const kept = new WeakSet<Tensor>();

function counters(backend: Backend): { tensors: number; bytes: number; buffers: number } {
  let c = liveTensors.get(backend.name);
  if (!c) {
    c = { tensors: 0, bytes: 0, buffers: 0 };
    liveTensors.set(backend.name, c);
  }
  return c;
}

/** Wrap a backend buffer in a tensor and register it with the current tidy scope. */
export function makeTensor(
  dataId: DataId,
  shape: readonly number[],
  dtype: DType,
  backend: Backend,
): Tensor {
  let record = dataRecords.get(dataId);
  const c = counters(backend);
  if (!record) {
    let size = 1;
    for (const d of shape) size *= d;
    record = { backend, refs: 0, bytes: size * BYTES_PER_ELEMENT[dtype] };
    dataRecords.set(dataId, record);
    c.bytes += record.bytes;
    c.buffers++;
  }
  record.refs++;
  c.tensors++;
  numTensorsTotal++;
  const t = new Tensor(dataId, shape, dtype, backend, releaseTensor);
  const scope = scopes[scopes.length - 1];
  if (scope) scope.tensors.add(t);
  return t;
}

/** Like makeTensor, but owned by the caller rather than the current tidy scope (tape handles). */
export function makeTensorUnscoped(
  dataId: DataId,
  shape: readonly number[],
  dtype: DType,
  backend: Backend,
): Tensor {
  const depth = scopes.length;
  const saved = scopes.splice(0, depth);
  try {
    return makeTensor(dataId, shape, dtype, backend);
  } finally {
    scopes.push(...saved);
  }
}

function releaseTensor(t: Tensor): void {
  const record = dataRecords.get(t.dataId);
  const c = counters(t.backend);
  c.tensors--;
  numTensorsTotal--;
  if (!record) return;
  record.refs--;
  if (record.refs === 0) {
    dataRecords.delete(t.dataId);
    c.bytes -= record.bytes;
    c.buffers--;
    record.backend.disposeData(t.dataId);
  }
}

export interface MemoryInfo {
  /** Live tensor handles, all backends. */
  readonly numTensors: number;
  /** Live distinct buffers, all backends. */
  readonly numDataBuffers: number;
  /** Bytes of live buffers, all backends (shared buffers counted once). */
  readonly numBytes: number;
  /** The same per backend name, plus what the backend itself reports. */
  readonly backends: Readonly<
    Record<
      string,
      {
        numTensors: number;
        numDataBuffers: number;
        numBytes: number;
        backendBytes?: number;
        pooledBytes?: number;
      }
    >
  >;
}

export function memory(): MemoryInfo {
  let numBytes = 0;
  let numDataBuffers = 0;
  const backends: Record<
    string,
    {
      numTensors: number;
      numDataBuffers: number;
      numBytes: number;
      backendBytes?: number;
      pooledBytes?: number;
    }
  > = {};
  const seen = new Map<string, Backend>();
  for (const record of dataRecords.values()) seen.set(record.backend.name, record.backend);
  for (const [name, c] of liveTensors) {
    numBytes += c.bytes;
    numDataBuffers += c.buffers;
    const backend = seen.get(name);
    const reported = backend?.memory();
    backends[name] = {
      numTensors: c.tensors,
      numDataBuffers: c.buffers,
      numBytes: c.bytes,
      ...(reported ? { backendBytes: reported.numBytes } : {}),
      ...(reported?.pooledBytes !== undefined ? { pooledBytes: reported.pooledBytes } : {}),
    };
  }
  return { numTensors: numTensorsTotal, numDataBuffers, numBytes, backends };
}

type TensorContainer =
  | Tensor
  | readonly TensorContainer[]
  | { [key: string]: TensorContainer }
  | void
  | undefined
  | null
  | number
  | string
  | boolean;

function collect(result: unknown, out: Set<Tensor>): void {
  if (result instanceof Tensor) out.add(result);
  else if (Array.isArray(result)) for (const r of result) collect(r, out);
  else if (result !== null && typeof result === 'object' && !(result instanceof Promise)) {
    for (const v of Object.values(result)) collect(v, out);
  }
}

/**
 * Run `fn` and dispose every tensor it created except those it returns (in arrays or plain
 * objects too) and those passed to `keep`. Returned tensors move to the enclosing scope.
 */
export function tidy<T extends TensorContainer>(fn: () => T): T;
export function tidy<T extends TensorContainer>(name: string, fn: () => T): T;
export function tidy<T extends TensorContainer>(a: string | (() => T), b?: () => T): T {
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new ArgumentError('tidy: expected a function');
  const scope: Scope = { tensors: new Set() };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new ArgumentError('tidy: the function must be synchronous (it returned a Promise)');
    }
  } catch (err) {
    // A throwing fn still frees what it made: nothing it created is reachable by the caller.
    scopes.pop();
    for (const t of scope.tensors) if (!kept.has(t) && !t.isDisposed) t.dispose();
    throw err;
  }
  scopes.pop();
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  const parent = scopes[scopes.length - 1];
  for (const t of scope.tensors) {
    if (survivors.has(t)) {
      if (parent) parent.tensors.add(t);
    } else if (!kept.has(t) && !t.isDisposed) {
      t.dispose();
    }
  }
  return result;
}

/** Exempt `t` from every enclosing `tidy`; dispose it yourself when done. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.tensors.delete(t);
  return t;
}

/** Dispose a tensor, or every tensor in an array or object. Disposing twice is harmless. */
export function dispose(container: TensorContainer): void {
  const all = new Set<Tensor>();
  collect(container, all);
  for (const t of all) t.dispose();
}

/**
 * Remember the value range of int32 data written from the host (class labels, indices), so ops
 * such as softmaxCrossEntropy can reject out-of-range values without reading the device back.
 * The range lives with the buffer: views (reshape) share it, and it goes when the buffer does.
 */
export function noteHostRange(t: Tensor, values: ArrayLike<number>): void {
  const record = dataRecords.get(t.dataId);
  if (!record || t.dtype !== 'int32') return;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  record.hostRange = [min, max];
}

/** The host-known [min, max] of t's int32 values, when t was uploaded from the host. */
export function hostRangeOf(t: Tensor): readonly [number, number] | undefined {
  return dataRecords.get(t.dataId)?.hostRange;
}

/** Another handle on the same buffer (shape may differ, size may not). Used by reshape. */
export function shareData(t: Tensor, shape: readonly number[]): Tensor {
  return makeTensor(t.dataId, shape, t.dtype, t.backend);
}
