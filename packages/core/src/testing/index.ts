/**
 * @tessera/core/testing: the float64 reference backend, gradcheck, and the backend
 * conformance suite every backend package runs from its own tests (needs vitest).
 */
export {
  ReferenceBackend,
  createReferenceBackend,
  isReferenceBackend,
  readFloat64,
  registerReferenceBackend,
  tensorFloat64,
  type ReferenceOptions,
} from './reference-backend.js';
export {
  assertGradClose,
  gradcheck,
  type GradcheckInput,
  type GradcheckInputReport,
  type GradcheckOptions,
  type GradcheckReport,
} from './gradcheck.js';
export {
  conformanceCaseNames,
  describeBackendConformance,
  formatKernelReport,
  kernelReport,
  type ConformanceOptions,
  type KernelReport,
} from './conformance.js';
export { allCases, forwardCases, gradCases } from './cases/index.js';
export type {
  CaseContext,
  ConformanceCase,
  ErrorCase,
  ForwardCase,
  GradCase,
} from './cases/types.js';
export { BoundContext, seedOf } from './cases/context.js';
export {
  compareResults,
  leakBetween,
  runError,
  runForward,
  runGrad,
  snapshot,
  type HostResult,
  type LeakSnapshot,
} from './run-case.js';
