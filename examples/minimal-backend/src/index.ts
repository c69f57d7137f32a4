/** Importing this package registers the 'minimal' backend (priority 0: never the default). */
import { registerBackend } from '@tessera/core';
import { createMinimalBackend } from './backend.js';

registerBackend('minimal', () => createMinimalBackend(), { priority: 0 });
export { createMinimalBackend };
