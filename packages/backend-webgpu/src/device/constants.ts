/**
 * WebGPU flag values, fixed by the specification. Using our own copies means the backend
 * never needs the `GPUBufferUsage`/`GPUMapMode` globals, which Node's `webgpu` package only
 * provides as an object the caller would have to copy onto `globalThis`.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

/** Every tensor buffer can be a kernel input or output and can be copied in and out. */
export const DATA_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Readback buffers: the target of a copy, then mapped for reading on the host. */
export const STAGING_USAGE = BufferUsage.MAP_READ | BufferUsage.COPY_DST;
