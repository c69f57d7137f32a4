import type { DType } from '@tessera/core';

/**
 * The DataId this backend hands to core: one GPU buffer (from the pool, so possibly larger
 * than needed) holding `size` elements of `dtype`.
 */
export class GPUData {
  /** Set once the buffer has gone back to the pool; a second release is a bug. */
  released = false;
  constructor(
    readonly buffer: GPUBuffer,
    readonly size: number,
    readonly dtype: DType,
  ) {}

  get byteLength(): number {
    return this.size * 4;
  }
}
