/**
 * The shared backend conformance suite (forward, gradients, errors, leak checks) against the
 * float64 reference, at relative tolerance 1e-4.
 */
import { describe, it } from 'vitest';
import { describeBackendConformance } from '@tessera/core/testing';
import { native, nativeAvailability, skipNative } from './test/setup.js';

if (skipNative) {
  describe('backend conformance: native', () => {
    it.skip(`native addon unavailable: ${nativeAvailability().reason}`, () => {});
  });
} else {
  describeBackendConformance('native', () => native(), { tolerance: 1e-4 });
}
