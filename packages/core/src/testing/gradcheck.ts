/**
 * gradcheck: compare core's reverse-mode gradients with central finite differences, both
 * computed in float64 on the reference backend.
 *
 * For a function f with any output shape, it checks the VJP against a fixed random cotangent r:
 * the analytic side is vjp(f, xs, r); the numeric side differentiates L(x) = sum(f(x) * r) by
 * (L(x + eps e_j) - L(x - eps e_j)) / (2 eps) for every input element j. In float64 with
 * eps = 1e-6 both truncation (~eps^2) and rounding (~1e-16 / eps) errors stay near 1e-10.
 */
import { vjp } from '../autodiff/grad.js';
import { noGrad } from '../autodiff/tape.js';
import { tidy } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { mulberry32 } from '../random.js';
import { Tensor } from '../tensor.js';
import {
  createReferenceBackend,
  isReferenceBackend,
  readFloat64,
  tensorFloat64,
  type ReferenceBackend,
} from './reference-backend.js';
import { unravel } from './reference-store.js';

/** A float32 tensor, or host values and a shape (placed on the reference backend). */
export type GradcheckInput =
  Tensor | { readonly values: ArrayLike<number>; readonly shape: readonly number[] };

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance (default 1e-5): pass when |analytic - numeric| <= atol + rtol * |numeric|. */
  rtol?: number;
  /** Seed of the random cotangent (default 1). */
  seed?: number;
  /** Reference backend to run on (default: the one holding the tensor inputs, else a shared one). */
  backend?: ReferenceBackend;
}

export interface GradcheckInputReport {
  readonly shape: readonly number[];
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
  readonly maxAbsError: number;
}

export interface GradcheckReport {
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly inputs: GradcheckInputReport[];
  /** A one-line summary; on failure it names the worst element. */
  readonly message: string;
}

let shared: ReferenceBackend | undefined;

function chooseBackend(xs: readonly GradcheckInput[], options: GradcheckOptions): ReferenceBackend {
  if (options.backend) return options.backend;
  for (const x of xs) if (x instanceof Tensor && isReferenceBackend(x.backend)) return x.backend;
  shared ??= createReferenceBackend({ name: 'reference-gradcheck' });
  return shared;
}

export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly GradcheckInput[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  if (!(eps > 0)) throw new ArgumentError(`gradcheck: 'eps' must be positive, got ${eps}`);
  const backend = chooseBackend(xs, options);
  const base = xs.map((x) => (x instanceof Tensor ? readFloat64(x) : Float64Array.from(x.values)));
  const shapes = xs.map((x) => [...x.shape]);

  /** Run f on float64 copies of `values` and return (output values, output shape). */
  const evaluate = (values: readonly Float64Array[]): { y: Float64Array; shape: number[] } =>
    noGrad(() => {
      let out: { y: Float64Array; shape: number[] } | undefined;
      tidy(() => {
        const inputs = values.map((v, i) => tensorFloat64(backend, v, shapes[i]));
        const y = f(...inputs);
        out = { y: readFloat64(y), shape: [...y.shape] };
      });
      return out as { y: Float64Array; shape: number[] };
    });

  const probe = evaluate(base);
  const rng = mulberry32(options.seed ?? 1);
  const r = Float64Array.from(probe.y, () => 2 * rng() - 1);

  // Analytic: one reverse pass.
  let analytic: Float64Array[] = [];
  tidy(() => {
    const inputs = base.map((v, i) => tensorFloat64(backend, v, shapes[i]));
    const cot = tensorFloat64(backend, r, probe.shape);
    const { value, grads } = vjp(f, inputs, cot);
    analytic = grads.map((g) => readFloat64(g));
    // vjp's results belong to the caller: dispose them here (tidy frees the rest).
    for (const t of [value, ...grads]) t.dispose();
  });

  // Numeric: two forward passes per input element.
  const loss = (values: readonly Float64Array[]) => {
    const { y } = evaluate(values);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * r[i];
    return s;
  };
  const inputs: GradcheckInputReport[] = [];
  let worst = { err: 0, excess: -Infinity, input: -1, index: -1, a: 0, n: 0 };
  base.forEach((v, i) => {
    const numeric = new Float64Array(v.length);
    let maxAbs = 0;
    for (let j = 0; j < v.length; j++) {
      const plus = base.map((b) => b);
      const minus = base.map((b) => b);
      plus[i] = Float64Array.from(v);
      minus[i] = Float64Array.from(v);
      plus[i][j] += eps;
      minus[i][j] -= eps;
      numeric[j] = (loss(plus) - loss(minus)) / (2 * eps);
      const a = analytic[i][j];
      const err = Math.abs(a - numeric[j]);
      const excess = err - (atol + rtol * Math.abs(numeric[j]));
      maxAbs = Math.max(maxAbs, Number.isNaN(err) ? Infinity : err);
      if (excess > worst.excess || Number.isNaN(err))
        worst = {
          err,
          excess: Number.isNaN(err) ? Infinity : excess,
          input: i,
          index: j,
          a,
          n: numeric[j],
        };
    }
    inputs.push({ shape: shapes[i], analytic: analytic[i], numeric, maxAbsError: maxAbs });
  });

  const ok = worst.excess <= 0;
  const maxAbsError = Math.max(0, ...inputs.map((x) => x.maxAbsError));
  const where =
    worst.input >= 0
      ? `input ${worst.input} element [${unravel(worst.index, shapes[worst.input]).join(', ')}]`
      : 'no elements';
  const message = ok
    ? `gradcheck passed: max |analytic - numeric| = ${maxAbsError.toExponential(2)} over ${base.reduce((s, b) => s + b.length, 0)} elements`
    : `gradcheck failed at ${where}: analytic ${worst.a} vs numeric ${worst.n} ` +
      `(|diff| ${worst.err.toExponential(3)} > atol ${atol} + rtol ${rtol} * |numeric|)`;
  return { ok, maxAbsError, inputs, message };
}

/** gradcheck that throws (with the worst element in the message) when the gradients disagree. */
export function assertGradClose(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly GradcheckInput[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const report = gradcheck(f, xs, options);
  if (!report.ok) throw new Error(report.message);
  return report;
}
