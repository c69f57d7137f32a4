/**
 * Core runs its own conformance suite on the reference backend twice: with only the required
 * kernels (every optional op through core's composites) and with the direct-loop fused kernels.
 * Both are compared against the fused reference, so composites and direct loops check each other.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from './reference-backend.js';
import { describeBackendConformance } from './conformance.js';

describeBackendConformance('reference', () => createReferenceBackend());
describeBackendConformance('reference-fused', () => createReferenceBackend({ fused: true }));

describe('describeBackendConformance options', () => {
  it('refuses a skip without a reason, or naming an unknown case', () => {
    const setup = () => createReferenceBackend();
    expect(() =>
      describeBackendConformance('x', setup, { skip: { 'matmul [1,1] @ [1,1]': ' ' } }),
    ).toThrow(/needs a reason/);
    expect(() =>
      describeBackendConformance('x', setup, { skip: { 'no such case': 'because' } }),
    ).toThrow(/unknown case 'no such case'/);
  });
});
