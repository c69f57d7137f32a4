/**
 * Size-bucketed pool of GPU buffers, so the steady state of a training loop allocates nothing.
 *
 * Sizes round up to a bucket: powers of two split into quarters (at most 25% waste), at least
 * 256 bytes. A released buffer remembers the batch (submission) it was released in. Kernels may
 * reuse it at once, because their dispatches are encoded after every earlier use and the GPU
 * runs one encoder in order. A host write (`queue.writeBuffer`) may not: it reaches the queue
 * before the commands still waiting in the pending encoder, so it would overwrite data that an
 * earlier, not yet submitted dispatch still has to read. Such buffers become writable after
 * the batch is submitted.
 */
const MIN_BYTES = 256;

export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const quarter = pow / 4;
  return pow + Math.ceil((bytes - pow) / quarter) * quarter;
}

interface Free {
  buffer: GPUBuffer;
  releasedInBatch: number;
}

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #usage: number;
  readonly #free = new Map<number, Free[]>();
  #liveBytes = 0;
  #liveCount = 0;
  #pooledBytes = 0;

  constructor(device: GPUDevice, usage: number) {
    this.#device = device;
    this.#usage = usage;
  }

  /**
   * A buffer of at least `bytes`. `hostWrite` asks for one that no command of the unsubmitted
   * batch `currentBatch` can still touch.
   */
  acquire(bytes: number, currentBatch: number, hostWrite: boolean): GPUBuffer {
    const size = bucketSize(bytes);
    const list = this.#free.get(size);
    if (list && list.length > 0) {
      let at = list.length - 1;
      if (hostWrite) {
        while (at >= 0 && list[at].releasedInBatch >= currentBatch) at--;
      }
      if (at >= 0) {
        const [entry] = list.splice(at, 1);
        this.#pooledBytes -= size;
        this.#liveBytes += size;
        this.#liveCount++;
        return entry.buffer;
      }
    }
    const buffer = this.#device.createBuffer({ size, usage: this.#usage });
    this.#liveBytes += size;
    this.#liveCount++;
    return buffer;
  }

  release(buffer: GPUBuffer, currentBatch: number): void {
    const size = buffer.size;
    let list = this.#free.get(size);
    if (!list) {
      list = [];
      this.#free.set(size, list);
    }
    list.push({ buffer, releasedInBatch: currentBatch });
    this.#liveBytes -= size;
    this.#liveCount--;
    this.#pooledBytes += size;
  }

  /** Destroy every pooled buffer (live ones are untouched). */
  trim(): void {
    for (const list of this.#free.values()) for (const { buffer } of list) buffer.destroy();
    this.#free.clear();
    this.#pooledBytes = 0;
  }

  get liveBytes(): number {
    return this.#liveBytes;
  }
  get liveCount(): number {
    return this.#liveCount;
  }
  get pooledBytes(): number {
    return this.#pooledBytes;
  }
}
