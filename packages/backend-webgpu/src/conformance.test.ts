/**
 * The shared backend conformance suite (forward values, gradients, error cases, leak checks)
 * on a real WebGPU adapter, at the relative tolerance of 1e-3.
 */
import { afterAll, describe, it } from 'vitest';
import { describeBackendConformance } from '@tessera/core/testing';
import { openBackend } from './test/harness.js';

const backend = await openBackend();
afterAll(() => backend?.destroy());

if (backend) {
  describeBackendConformance('webgpu', () => backend, { tolerance: 1e-3 });
} else {
  describe.skip('backend conformance: webgpu (no WebGPU adapter on this machine)', () => {
    it('needs an adapter', () => {});
  });
}
