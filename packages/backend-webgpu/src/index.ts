/// <reference types="@webgpu/types" preserve="true" />
/**
 * @tessera/backend-webgpu: importing this module registers the 'webgpu' backend (priority 3).
 * Nothing touches the GPU until core asks for the backend; then an adapter is looked for
 * (navigator.gpu in browsers, the optional `webgpu` package in Node) and, when there is none,
 * the backend is reported unavailable with the reason.
 */
import { registerBackend } from '@tessera/core';
import { createWebGPUBackend } from './backend.js';

registerBackend('webgpu', () => createWebGPUBackend(), { priority: 3 });

export { WebGPUBackend, createWebGPUBackend, type WebGPUBackendOptions } from './backend.js';
export {
  adapterAdvice,
  describeAdapter,
  isSoftwareAdapter,
  type AdapterEnvironment,
  type AdapterOptions,
} from './device/adapter.js';
export { CPU_TILE, DEFAULT_TILE, type TileConfig, type Tuning } from './device/tuning.js';
