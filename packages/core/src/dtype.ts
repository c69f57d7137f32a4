/** Element types a tensor can hold. Images and weights are float32; labels and indices int32. */
export type DType = 'float32' | 'int32';

export type TypedArray = Float32Array | Int32Array;

/** Maps a dtype to the typed array that stores it. */
export interface DTypeArrayMap {
  float32: Float32Array;
  int32: Int32Array;
}

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, int32: 4 };

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32';
}

export function allocArray(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

/** The dtype a typed array stores, or undefined for other array kinds. */
export function dtypeOfArray(values: unknown): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return undefined;
}
