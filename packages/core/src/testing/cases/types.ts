/**
 * The three kinds of conformance case. A case is plain data plus a function of a CaseContext,
 * so the same case runs on the backend under test and on the float64 reference, and gradient
 * cases also feed gradcheck in core's own tests.
 */
import type { Backend } from '../../backend/backend.js';
import type { DType } from '../../dtype.js';
import type { TesseraError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import type { TensorValues } from '../../ops/creation.js';

/**
 * What a case builds its inputs with. Every tensor made here lives on the context's backend
 * and is disposed after the case; the random streams restart for each backend, so both sides
 * of a comparison see identical float32 inputs.
 */
export interface CaseContext {
  readonly backend: Backend;
  /**
   * Seeded uniform float32 values in [min, max) (default [-1, 1)); with `quantum`, rounded to
   * multiples of it (so sums like x + 1e4 stay exact in float32 on every backend).
   */
  rand(shape: readonly number[], min?: number, max?: number, quantum?: number): Tensor;
  /** Seeded uniform int32 values in [lo, hi). */
  randInt(shape: readonly number[], lo: number, hi: number): Tensor;
  /** Literal values (float32 unless a dtype or Int32Array says otherwise). */
  tensor(values: TensorValues, shape?: readonly number[], dtype?: DType): Tensor;
  /** Dispose `t` after the case (for intermediates a case makes between ops). */
  track<T extends Tensor>(t: T): T;
}

export interface ForwardCase {
  readonly kind: 'forward';
  readonly name: string;
  /** Runs public ops on the context's inputs; returns what is compared (every output is disposed). */
  run(c: CaseContext): Tensor | readonly Tensor[];
  /** Multiplies the suite tolerance (for numerically harder cases); default 1. */
  readonly tolerance?: number;
}

export interface GradCase {
  readonly kind: 'grad';
  readonly name: string;
  /** Inputs to differentiate (float32) and the function of them; constants come from `c` too. */
  make(c: CaseContext): { xs: Tensor[]; f: (...xs: Tensor[]) => Tensor };
  readonly tolerance?: number;
  /**
   * Why finite differences must NOT match this case's gradient (e.g. stopGradient changes the
   * gradient on purpose); such cases are only compared across backends.
   */
  readonly notFiniteDifferences?: string;
}

export type TesseraErrorClass = abstract new (message: string) => TesseraError;

export interface ErrorCase {
  readonly kind: 'error';
  readonly name: string;
  /**
   * Must throw (or reject with) `error`; `other` is a context on a second backend, for
   * mixing-backend cases. Anything it creates must go through `c`/`other` (it is disposed).
   */
  run(c: CaseContext, other: CaseContext): unknown;
  readonly error: TesseraErrorClass;
  /** The message must match (usually: names the op, the argument and the shapes). */
  readonly message: RegExp;
}

export type ConformanceCase = ForwardCase | GradCase | ErrorCase;

export const forward = (
  name: string,
  run: ForwardCase['run'],
  tolerance?: number,
): ForwardCase => ({
  kind: 'forward',
  name,
  run,
  ...(tolerance !== undefined ? { tolerance } : {}),
});

export const gradCase = (name: string, make: GradCase['make'], tolerance?: number): GradCase => ({
  kind: 'grad',
  name,
  make,
  ...(tolerance !== undefined ? { tolerance } : {}),
});

export const errorCase = (
  name: string,
  error: TesseraErrorClass,
  message: RegExp,
  run: ErrorCase['run'],
): ErrorCase => ({ kind: 'error', name, run, error, message });

/** Convenience: a grad case whose inputs are fresh uniform tensors of the given shapes. */
export const gradOf = (
  name: string,
  shapes: readonly (readonly number[])[],
  f: (...xs: Tensor[]) => Tensor,
  tolerance?: number,
): GradCase => gradCase(name, (c) => ({ xs: shapes.map((s) => c.rand(s)), f }), tolerance);
