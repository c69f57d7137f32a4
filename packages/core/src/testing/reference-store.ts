/**
 * Storage of the reference backend: every float32 tensor is held as a Float64Array (so the
 * reference computes in double precision), every int32 tensor as an Int32Array (so integer
 * results wrap and truncate exactly like int32). Plain index helpers shared by the kernels.
 */
import type { DType } from '../dtype.js';
import type { DataId, TensorInfo } from '../backend/kernels.js';
import { BackendError, formatShape } from '../errors.js';

export type RefValues = Float64Array | Int32Array;

/** One buffer. `disposed` lets the reference catch core handing a kernel a freed buffer. */
export class RefBuffer {
  disposed = false;
  constructor(
    readonly values: RefValues,
    readonly dtype: DType,
  ) {}
}

export class RefStore {
  readonly live = new Set<RefBuffer>();

  constructor(readonly backendName: string) {}

  /** A new buffer of `size` zeros in the storage type of `dtype`. */
  alloc(dtype: DType, size: number): RefBuffer {
    const values = dtype === 'int32' ? new Int32Array(size) : new Float64Array(size);
    const buf = new RefBuffer(values, dtype);
    this.live.add(buf);
    return buf;
  }

  /** The buffer behind a DataId; throws if core passes something freed or foreign. */
  buffer(dataId: DataId): RefBuffer {
    if (!(dataId instanceof RefBuffer) || !this.live.has(dataId)) {
      const why =
        dataId instanceof RefBuffer && dataId.disposed
          ? 'was already disposed'
          : 'is not one of its buffers';
      throw new BackendError(
        `backend '${this.backendName}': a kernel input ${why} (a bookkeeping bug in core)`,
      );
    }
    return dataId;
  }

  /** The values of a kernel input, checked against the shape core says it has. */
  values(info: TensorInfo): RefValues {
    const buf = this.buffer(info.dataId);
    let size = 1;
    for (const d of info.shape) size *= d;
    if (buf.values.length !== size || buf.dtype !== info.dtype) {
      throw new BackendError(
        `backend '${this.backendName}': input claims ${formatShape(info.shape)} ${info.dtype} but its buffer holds ` +
          `${buf.values.length} ${buf.dtype} values (a bookkeeping bug in core)`,
      );
    }
    return buf.values;
  }

  dispose(dataId: DataId): void {
    const buf = this.buffer(dataId);
    buf.disposed = true;
    this.live.delete(buf);
  }

  numBytes(): number {
    let bytes = 0;
    for (const b of this.live) bytes += b.values.byteLength;
    return bytes;
  }
}

// ---- index arithmetic, written out plainly ----

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}

/**
 * Flat position in an input of `inShape` that broadcasts to the output multi-index `outIdx`
 * (NumPy rules: align at the right, size-1 dims repeat).
 */
export function broadcastIndex(outIdx: readonly number[], inShape: readonly number[]): number {
  const offset = outIdx.length - inShape.length;
  let flat = 0;
  for (let i = 0; i < inShape.length; i++) {
    const d = inShape[i];
    flat = flat * d + (d === 1 ? 0 : outIdx[offset + i]);
  }
  return flat;
}
