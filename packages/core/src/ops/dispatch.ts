/**
 * The three steps every op shares: check its tensor arguments, find the backend that holds them,
 * and run a kernel whose output becomes a new tensor.
 */
import type { Backend } from '../backend/backend.js';
import type {
  DataId,
  KernelSignatures,
  OptionalKernelName,
  RequiredKernelName,
} from '../backend/kernels.js';
import { getBackend } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { makeTensor } from '../engine.js';
import { ArgumentError, BackendError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Throw unless `x` is a live Tensor; `arg` names the parameter in the message. */
export function checkTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new ArgumentError(`${op}: '${arg}' must be a Tensor, got ${got}`);
  }
  x.assertAlive(`${op} (argument '${arg}')`);
  return x;
}

/** The backend holding all inputs (or the active one when there are none); mixing is an error. */
export function backendOf(op: string, ...inputs: Tensor[]): Backend {
  if (inputs.length === 0) return getBackend();
  const backend = inputs[0].backend;
  for (const t of inputs) {
    if (t.backend !== backend) {
      throw new BackendError(
        `${op}: inputs live on different backends ('${backend.name}' and '${t.backend.name}'); ` +
          `create all of an op's inputs on one backend`,
      );
    }
  }
  return backend;
}

type KernelArgs<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

/** Run a required kernel and wrap its output. */
export function runKernel<K extends RequiredKernelName>(
  backend: Backend,
  name: K,
  args: KernelArgs<K>,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const kernel = backend.kernels[name] as (a: KernelArgs<K>) => DataId;
  if (typeof kernel !== 'function') {
    throw new BackendError(
      `Backend '${backend.name}' does not implement required kernel '${name}'`,
    );
  }
  return makeTensor(kernel.call(backend.kernels, args), shape, dtype, backend);
}

const fallbackCounts = new Map<string, Map<string, { native: number; fallback: number }>>();

function countUse(backend: Backend, name: string, native: boolean): void {
  let byKernel = fallbackCounts.get(backend.name);
  if (!byKernel) fallbackCounts.set(backend.name, (byKernel = new Map()));
  let c = byKernel.get(name);
  if (!c) byKernel.set(name, (c = { native: 0, fallback: 0 }));
  if (native) c.native++;
  else c.fallback++;
}

/**
 * Run an optional (fused) kernel when the backend has it, otherwise the composite `fallback`
 * built from primitives. Which one ran is counted for the conformance report.
 */
export function runOptional<K extends OptionalKernelName>(
  backend: Backend,
  name: K,
  args: KernelArgs<K>,
  shape: readonly number[],
  dtype: DType,
  fallback: () => Tensor,
): Tensor {
  const kernel = backend.kernels[name] as ((a: KernelArgs<K>) => DataId) | undefined;
  countUse(backend, name, kernel !== undefined);
  if (kernel) return makeTensor(kernel.call(backend.kernels, args), shape, dtype, backend);
  return fallback();
}

/** How often each optional kernel ran natively or through core's composite fallback. */
export function kernelUsage(
  backendName: string,
): Record<string, { native: number; fallback: number }> {
  const byKernel = fallbackCounts.get(backendName);
  return byKernel ? Object.fromEntries(byKernel) : {};
}
