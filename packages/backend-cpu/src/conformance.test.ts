/**
 * The shared backend conformance suite from @tessera/core/testing: every public op on this
 * backend against the float64 reference, plus a leak check after each case.
 */
import { describeBackendConformance } from '@tessera/core/testing';
import { CpuBackend } from './cpu-backend.js';

describeBackendConformance('cpu', () => new CpuBackend({ poison: true }), { tolerance: 1e-5 });
