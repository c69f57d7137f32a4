/**
 * @tessera/backend-native: Tessera's C++ backend (N-API addon on OpenBLAS sgemm).
 *
 * Importing this package registers the backend as 'native' with priority 2 (above 'cpu').
 * If the addon is not built, the backend registers anyway and `listBackends()` reports it as
 * unavailable with the exact reason and the command that builds it.
 */
import { registerBackend } from '@tessera/core';
import { createNativeBackend } from './native-backend.js';

registerBackend('native', () => createNativeBackend(), { priority: 2 });

export {
  NativeBackend,
  NativeData,
  createNativeBackend,
  threadsFromEnv,
  type NativeBackendOptions,
} from './native-backend.js';
export { addonPath, buildCommand, loadAddon, packageRoot } from './loader.js';
export { isNativeError, toTesseraError, type NativeErrorCode } from './errors.js';
export type { NativeAddon, NativeMemory, BufferId } from './addon-types.js';
