// Browser entry: core + the WebGPU backend. In a browser the backend uses navigator.gpu; the
// `webgpu` npm package (Dawn, a native Node addon) must NOT end up in this bundle.
import '@tessera/backend-webgpu';
import { listBackends } from '@tessera/core';

globalThis.tesseraSmoke = listBackends;
