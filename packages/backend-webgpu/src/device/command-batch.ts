/**
 * The pending batch of commands: one command encoder (and an open compute pass) that kernels
 * record into, submitted when a read needs its results or when it holds `maxDispatches`
 * dispatches, so a training step costs a handful of submissions.
 *
 * Parameters (sizes, strides) of every dispatch in a batch go to one uniform "arena" buffer at
 * 256-byte slots, uploaded with a single `writeBuffer` just before the batch is submitted. The
 * queue runs that write after the previous submission, so the arena is reused batch after batch.
 */
import { BufferUsage } from './constants.js';
import type { CachedPipeline } from './pipeline-cache.js';

export class CommandBatch {
  readonly #device: GPUDevice;
  readonly #maxDispatches: number;
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  #commands = 0;
  /** Id of the batch being recorded; increments at each submission. */
  #id = 1;
  #submissions = 0;

  readonly #slot: number;
  readonly #arena: GPUBuffer;
  readonly #arenaBytes: Uint8Array;
  #arenaUsed = 0;

  constructor(device: GPUDevice, maxDispatches: number) {
    this.#device = device;
    this.#maxDispatches = maxDispatches;
    this.#slot = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    const size = this.#slot * maxDispatches;
    this.#arena = device.createBuffer({ size, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.#arenaBytes = new Uint8Array(size);
  }

  /** The batch being recorded (buffers released now are still bound by its commands). */
  get id(): number {
    return this.#id;
  }

  /** Whether commands are waiting to be submitted. */
  get pending(): boolean {
    return this.#encoder !== undefined;
  }

  get submissions(): number {
    return this.#submissions;
  }

  dispatch(
    { pipeline, layout }: CachedPipeline,
    buffers: readonly GPUBuffer[],
    params: Uint8Array | undefined,
    [x, y, z]: readonly [number, number, number],
  ): void {
    if (params && this.#arenaUsed + this.#slot > this.#arenaBytes.length) this.flush();
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    if (params) {
      this.#arenaBytes.set(params, this.#arenaUsed);
      entries.push({
        binding: buffers.length,
        resource: { buffer: this.#arena, offset: this.#arenaUsed, size: params.byteLength },
      });
      this.#arenaUsed += this.#slot;
    }
    const group = this.#device.createBindGroup({ layout, entries });
    if (!this.#pass) this.#pass = this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(x, y, z);
    if (++this.#commands >= this.#maxDispatches) this.flush();
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.#endPass();
    this.#encoderNow().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    if (++this.#commands >= this.#maxDispatches) this.flush();
  }

  /** Submit the pending commands, if any. */
  flush(): void {
    if (!this.#encoder) return;
    this.#endPass();
    if (this.#arenaUsed > 0) {
      this.#device.queue.writeBuffer(this.#arena, 0, this.#arenaBytes.buffer, 0, this.#arenaUsed);
    }
    this.#device.queue.submit([this.#encoder.finish()]);
    this.#encoder = undefined;
    this.#commands = 0;
    this.#arenaUsed = 0;
    this.#id++;
    this.#submissions++;
  }

  /** Drop whatever is recorded (the device is going away) and free the arena. */
  destroy(): void {
    this.#encoder = undefined;
    this.#pass = undefined;
    this.#arena.destroy();
  }

  #encoderNow(): GPUCommandEncoder {
    this.#encoder ??= this.#device.createCommandEncoder();
    return this.#encoder;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = undefined;
  }
}
