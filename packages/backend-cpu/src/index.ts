/**
 * @tessera/backend-cpu: a pure TypeScript backend that runs in every JS engine.
 * Importing this module registers it under the name 'cpu' with priority 1 (the fallback of
 * last resort: native and WebGPU rank higher).
 */
import { registerBackend } from '@tessera/core';
import { CpuBackend } from './cpu-backend.js';

export { CpuBackend, createCpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { CpuStorage, CpuDataId, type StorageOptions } from './storage.js';
export { sgemm, sgemmStrided, type GemmCall } from './gemm/sgemm.js';
export { parallelGemmRuns, type ThreadStatus } from './gemm/parallel.js';

registerBackend('cpu', () => new CpuBackend(), { priority: 1 });
