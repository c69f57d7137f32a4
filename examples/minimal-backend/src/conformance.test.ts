// The whole shared suite (forward, gradients, error paths, leak checks) on this backend.
import { describeBackendConformance } from '@tessera/core/testing';
import { createMinimalBackend } from './backend.js';

describeBackendConformance('minimal', () => createMinimalBackend(), { tolerance: 1e-6 });
