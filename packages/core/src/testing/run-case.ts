/**
 * Running one conformance case on one backend and comparing host copies of the results.
 * Independent of vitest, so core's own tests and tools can reuse it.
 */
import type { Backend } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { memory, tidy } from '../engine.js';
import { formatShape } from '../errors.js';
import { noGrad, vjp } from '../autodiff/grad.js';
import type { Tensor } from '../tensor.js';
import { BoundContext, seedOf } from './cases/context.js';
import type { ErrorCase, ForwardCase, GradCase } from './cases/types.js';
import { readFloat64, isReferenceBackend } from './reference-backend.js';

/** A result copied to the host; float values widened to float64. */
export interface HostResult {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: Float64Array;
}

async function toHost(t: Tensor): Promise<HostResult> {
  if (isReferenceBackend(t.backend))
    return { shape: [...t.shape], dtype: t.dtype, values: readFloat64(t) };
  const data = await t.data();
  // The storage contract: read() gives the dtype's typed array with one value per element.
  const kind = t.dtype === 'int32' ? Int32Array : Float32Array;
  if (!(data instanceof kind) || data.length !== t.size) {
    throw new Error(
      `backend '${t.backend.name}': read() of a ${t.dtype} tensor of ${t.size} elements returned ` +
        `${data?.constructor?.name ?? typeof data} of length ${data?.length}`,
    );
  }
  return { shape: [...t.shape], dtype: t.dtype, values: Float64Array.from(data) };
}

async function collect(outputs: readonly Tensor[], ctx: BoundContext): Promise<HostResult[]> {
  try {
    const host: HostResult[] = [];
    for (const t of outputs) host.push(await toHost(t));
    return host;
  } finally {
    for (const t of new Set(outputs)) t.dispose();
    ctx.disposeAll();
  }
}

export async function runForward(c: ForwardCase, backend: Backend): Promise<HostResult[]> {
  const ctx = new BoundContext(backend, seedOf(c.name));
  let outputs: readonly Tensor[];
  try {
    const out = c.run(ctx);
    outputs = Array.isArray(out) ? (out as readonly Tensor[]) : [out as Tensor];
  } catch (err) {
    ctx.disposeAll();
    throw err;
  }
  return collect(outputs, ctx);
}

/** The value and the VJP of every input against a seeded random cotangent: [y, dx0, dx1, ...]. */
export async function runGrad(c: GradCase, backend: Backend): Promise<HostResult[]> {
  const ctx = new BoundContext(backend, seedOf(c.name));
  let outputs: Tensor[];
  try {
    const { xs, f } = c.make(ctx);
    const probe = noGrad(() => tidy(() => f(...xs)));
    const shape = probe.shape;
    if (!xs.includes(probe)) probe.dispose();
    const cotangent = ctx.rand(shape);
    const { value, grads } = vjp(f, xs, cotangent);
    outputs = [value, ...grads];
  } catch (err) {
    ctx.disposeAll();
    throw err;
  }
  return collect(outputs, ctx);
}

/** Runs an error case; returns a description of what went wrong, or undefined when it threw as asked. */
export async function runError(
  c: ErrorCase,
  backend: Backend,
  other: Backend,
): Promise<string | undefined> {
  const ctx = new BoundContext(backend, seedOf(c.name));
  const otherCtx = new BoundContext(other, seedOf(c.name) ^ 1);
  try {
    await c.run(ctx, otherCtx);
  } catch (err) {
    if (!(err instanceof c.error)) {
      const got = err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
      return `expected ${c.error.name}, got ${got}`;
    }
    if (!c.message.test(err.message))
      return `${c.error.name} message ${JSON.stringify(err.message)} does not match ${c.message}`;
    return undefined;
  } finally {
    ctx.disposeAll();
    otherCtx.disposeAll();
  }
  return `expected ${c.error.name}, but nothing was thrown`;
}

/**
 * Compare results elementwise: |a - e| <= tol * (1 + |e|), where e is the expected value
 * rounded to the dtype (float32 outputs are compared with fround(expected)). NaN must meet NaN
 * and infinities must match exactly. Returns a description of the first mismatches, or undefined.
 */
export function compareResults(
  actual: readonly HostResult[],
  expected: readonly HostResult[],
  tol: number,
): string | undefined {
  if (actual.length !== expected.length)
    return `expected ${expected.length} outputs, got ${actual.length}`;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k];
    const e = expected[k];
    const label = expected.length > 1 ? `output ${k}: ` : '';
    if (a.dtype !== e.dtype) return `${label}dtype ${a.dtype}, expected ${e.dtype}`;
    if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
      return `${label}shape ${formatShape(a.shape)}, expected ${formatShape(e.shape)}`;
    }
    const bad: string[] = [];
    let count = 0;
    for (let i = 0; i < e.values.length; i++) {
      const want = e.dtype === 'float32' ? Math.fround(e.values[i]) : e.values[i];
      const got = a.values[i];
      const ok = Number.isNaN(want)
        ? Number.isNaN(got)
        : !Number.isFinite(want)
          ? got === want
          : e.dtype === 'int32'
            ? got === want
            : Math.abs(got - want) <= tol * (1 + Math.abs(want));
      if (!ok) {
        count++;
        if (bad.length < 5) bad.push(`[${i}] got ${got}, expected ${want}`);
      }
    }
    if (count > 0) {
      return `${label}${count} of ${e.values.length} values differ (tolerance ${tol} relative): ${bad.join('; ')}`;
    }
  }
  return undefined;
}

export interface LeakSnapshot {
  readonly numTensors: number;
  readonly numBytes: number;
  readonly backendBuffers: number;
}

export function snapshot(backend: Backend): LeakSnapshot {
  const m = memory();
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    backendBuffers: backend.memory().numBuffers,
  };
}

/** Describes a leak between two snapshots, or undefined. */
export function leakBetween(
  before: LeakSnapshot,
  after: LeakSnapshot,
  backendName: string,
): string | undefined {
  const parts: string[] = [];
  if (after.numTensors !== before.numTensors)
    parts.push(`${after.numTensors - before.numTensors} tensors`);
  if (after.numBytes !== before.numBytes) parts.push(`${after.numBytes - before.numBytes} bytes`);
  if (after.backendBuffers !== before.backendBuffers) {
    parts.push(
      `${after.backendBuffers - before.backendBuffers} buffers reported by backend '${backendName}'`,
    );
  }
  return parts.length > 0 ? `leak: ${parts.join(', ')} still alive after the case` : undefined;
}
