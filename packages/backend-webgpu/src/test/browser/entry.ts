/**
 * The page script of the headless-Chromium test: registers the backend the way an app does
 * (importing the package), then runs kernel checks against naive loops and every case of the
 * shared conformance suite against the float64 reference, and publishes the results on
 * `window.__tessera` for the Node side to collect.
 */
import {
  findBackend,
  registerBackend,
  setBackend,
  type Backend,
  type TensorInfo,
} from '@tessera/core';
import {
  allCases,
  compareResults,
  createReferenceBackend,
  leakBetween,
  runError,
  runForward,
  runGrad,
  snapshot,
  type ConformanceCase,
  type HostResult,
} from '@tessera/core/testing';
import '../../index.js';
import { WebGPUBackend } from '../../backend.js';
import * as naive from '../naive.js';

interface Outcome {
  name: string;
  ok: boolean;
  detail?: string;
}

interface PageState {
  done: boolean;
  adapter?: string;
  outcomes: Outcome[];
  fatal?: string;
}

const state: PageState = { done: false, outcomes: [] };
(globalThis as unknown as { __tessera: PageState }).__tessera = state;

const filter = new URLSearchParams(location.search).get('cases') ?? 'all';

function rand(n: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return Math.fround((a / 4294967296) * 2 - 1);
  });
}

function close(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol = 1e-4,
): string | undefined {
  if (actual.length !== expected.length)
    return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
      return `[${i}] got ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return undefined;
}

async function kernelChecks(b: Backend): Promise<void> {
  const t = (
    values: number[],
    shape: number[],
    dtype: 'float32' | 'int32' = 'float32',
  ): TensorInfo => ({
    dataId: b.write(
      dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values),
      shape,
      dtype,
    ),
    shape,
    dtype,
  });
  const check = async (name: string, run: () => Promise<string | undefined>) => {
    try {
      const detail = await run();
      state.outcomes.push({
        name: `kernel ${name}`,
        ok: detail === undefined,
        ...(detail ? { detail } : {}),
      });
    } catch (err) {
      state.outcomes.push({ name: `kernel ${name}`, ok: false, detail: String(err) });
    }
  };
  const read = async (id: object) => {
    const v = await b.read(id);
    b.disposeData(id);
    return v;
  };

  await check('MatMul 37x29 @ 29x41, transposeB', async () => {
    const a = rand(37 * 29, 1);
    const w = rand(41 * 29, 2);
    const y = b.kernels.MatMul({
      a: t(a, [37, 29]),
      b: t(w, [41, 29]),
      transposeA: false,
      transposeB: true,
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: 37,
      n: 41,
      k: 29,
    });
    return close(
      await read(y),
      naive.matmul(a, w, {
        batch: 1,
        batchA: 1,
        batchB: 1,
        m: 37,
        n: 41,
        k: 29,
        ta: false,
        tb: true,
      }),
    );
  });
  const g = naive.geometry({
    batch: 2,
    C: 3,
    H: 9,
    W: 8,
    outC: 4,
    k: [3, 3],
    stride: [2, 1],
    pad: [1, 1, 1, 1],
  });
  const xs = [g.batch, g.inChannels, g.inH, g.inW];
  const ws = [g.outChannels, g.inChannels, g.kH, g.kW];
  const ys = [g.batch, g.outChannels, g.outH, g.outW];
  const x = rand(naive.sizeOf(xs), 3);
  const w = rand(naive.sizeOf(ws), 4);
  const dy = rand(naive.sizeOf(ys), 5);
  await check('Conv2D', async () =>
    close(
      await read(b.kernels.Conv2D!({ x: t(x, xs), w: t(w, ws), geom: g })),
      naive.conv2d(x, w, g),
    ),
  );
  await check('Conv2DBackpropInput', async () =>
    close(
      await read(b.kernels.Conv2DBackpropInput!({ dy: t(dy, ys), w: t(w, ws), geom: g })),
      naive.conv2dBackpropInput(dy, w, g),
    ),
  );
  await check('Conv2DBackpropFilter', async () =>
    close(
      await read(b.kernels.Conv2DBackpropFilter!({ x: t(x, xs), dy: t(dy, ys), geom: g })),
      naive.conv2dBackpropFilter(x, dy, g),
    ),
  );
  const pg = naive.geometry({ batch: 1, C: 2, H: 6, W: 6, k: [2, 2], stride: [2, 2] });
  const px = rand(72, 6);
  const pdy = rand(18, 7);
  await check(
    'MaxPool + MaxPoolBackward',
    async () =>
      close(
        await read(b.kernels.MaxPool!({ x: t(px, [1, 2, 6, 6]), geom: pg })),
        naive.maxPool(px, pg).y,
      ) ??
      close(
        await read(
          b.kernels.MaxPoolBackward!({
            x: t(px, [1, 2, 6, 6]),
            dy: t(pdy, [1, 2, 3, 3]),
            geom: pg,
          }),
        ),
        naive.maxPoolBackward(px, pdy, pg),
      ),
  );
  await check('Reduce sum over 5000 (two passes)', async () => {
    const v = rand(5000, 8);
    return close(
      await read(b.kernels.Reduce({ op: 'sum', x: t(v, [5000]), outer: 1, size: 5000, inner: 1 })),
      [v.reduce((s, e) => s + e, 0)],
    );
  });
  await check('SoftmaxCrossEntropy', async () => {
    const logits = rand(4 * 100, 9).map((v) => v * 20);
    const labels = [3, 99, 0, 50];
    const loss = await read(
      b.kernels.SoftmaxCrossEntropy!({
        logits: t(logits, [4, 100]),
        labels: t(labels, [4], 'int32'),
      }),
    );
    return close(
      loss,
      naive.rows(logits, 100).map((r, i) => naive.logSumExp(r) - r[labels[i]]),
    );
  });
  await check('int32 add, max-reduce, transpose', async () => {
    const a = [1, -2, 3, 2147483647, 5, 6];
    const sum = await read(
      b.kernels.Binary({
        op: 'add',
        a: t(a, [2, 3], 'int32'),
        b: t([1], [], 'int32'),
        outShape: [2, 3],
      }),
    );
    if (!(sum instanceof Int32Array)) return 'add did not return an Int32Array';
    const want = a.map((v) => (v + 1) | 0);
    const bad = close(sum, want, 0);
    if (bad) return bad;
    const mx = await read(
      b.kernels.Reduce({ op: 'max', x: t(a, [2, 3], 'int32'), outer: 2, size: 3, inner: 1 }),
    );
    const tr = await read(b.kernels.Transpose({ x: t(a, [2, 3], 'int32'), perm: [1, 0] }));
    return close(mx, [3, 2147483647], 0) ?? close(tr, [1, 2147483647, -2, 5, 3, 6], 0);
  });
}

async function conformance(b: Backend): Promise<void> {
  const oracle = createReferenceBackend({ fused: true, name: 'reference-oracle' });
  registerBackend('page:webgpu', () => b, { priority: -1e9 });
  registerBackend('page:oracle', () => oracle, { priority: -1e9 });
  const cases = allCases();
  for (const c of cases as ConformanceCase[]) {
    const name = `conformance ${c.kind} ${c.name}`;
    try {
      const before = snapshot(b);
      let problem: string | undefined;
      await setBackend('page:webgpu');
      if (c.kind === 'error') problem = await runError(c, b, oracle);
      else {
        const run = (on: Backend): Promise<HostResult[]> =>
          c.kind === 'forward' ? runForward(c, on) : runGrad(c, on);
        const actual = await run(b);
        await setBackend('page:oracle');
        const expected = await run(oracle);
        problem = compareResults(actual, expected, 1e-3 * (c.tolerance ?? 1));
      }
      const leak = leakBetween(before, snapshot(b), b.name);
      const detail = [problem, leak].filter(Boolean).join('; ');
      state.outcomes.push({ name, ok: detail === '', ...(detail ? { detail } : {}) });
    } catch (err) {
      state.outcomes.push({
        name,
        ok: false,
        detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
  }
}

async function main(): Promise<void> {
  try {
    // The registered factory, as an app would get it: navigator.gpu, no Node package.
    const b = await findBackend('webgpu');
    if (!(b instanceof WebGPUBackend)) throw new Error('webgpu backend is not a WebGPUBackend');
    state.adapter = b.adapterDescription;
    if (filter === 'all' || filter === 'kernels') await kernelChecks(b);
    if (filter === 'all' || filter === 'conformance') await conformance(b);
  } catch (err) {
    state.fatal = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } finally {
    state.done = true;
  }
}

void main();
