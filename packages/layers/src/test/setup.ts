/**
 * Vitest setup: make a backend active before each test file. The default is the pure-JS CPU
 * backend (what users get); TESSERA_TEST_BACKEND=reference or reference-fused runs the same
 * tests on core's float64 reference backend instead. A missing backend fails loudly.
 */
import { setBackend, setNoticeHandler } from '@tessera/core';
import { registerReferenceBackend } from '@tessera/core/testing';

setNoticeHandler(() => {});
const which = process.env.TESSERA_TEST_BACKEND ?? 'cpu';
if (which === 'reference' || which === 'reference-fused') {
  registerReferenceBackend({ fused: which === 'reference-fused' });
} else {
  await import(`@tessera/backend-${which}`);
}
await setBackend(which);
