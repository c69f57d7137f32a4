/**
 * Compute pipelines by key (kernel name plus every specialisation baked into its WGSL).
 * Shapes travel in uniforms, so a training loop compiles each kernel once. Compilation is
 * synchronous here, since kernels are: WebGPU queues it, and the first dispatch waits for it.
 */
import type { Program } from './program.js';

export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #cache = new Map<string, CachedPipeline>();

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  get(program: Program): CachedPipeline {
    let cached = this.#cache.get(program.key);
    if (!cached) {
      const module = this.#device.createShaderModule({
        label: program.key,
        code: program.source(),
      });
      const pipeline = this.#device.createComputePipeline({
        label: program.key,
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.#cache.set(program.key, cached);
    }
    return cached;
  }

  get size(): number {
    return this.#cache.size;
  }
}
