/**
 * The backend conformance suite. A backend package runs, from its own tests:
 *
 *   describeBackendConformance('cpu', () => createCpuBackend(), { tolerance: 1e-5 });
 *
 * Every case runs the public ops on the backend under test and on the float64 reference
 * (with direct-loop fused kernels, so core's composites are checked too), compares the
 * results, and checks that no tensor, byte or backend buffer outlives the case.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { OPTIONAL_KERNELS } from '../backend/kernels.js';
import { listBackends, registerBackend, setBackend } from '../backend/registry.js';
import { kernelUsage } from '../ops/dispatch.js';
import { allCases } from './cases/index.js';
import type { ConformanceCase } from './cases/types.js';
import { createReferenceBackend } from './reference-backend.js';
import {
  compareResults,
  leakBetween,
  runError,
  runForward,
  runGrad,
  snapshot,
  type HostResult,
} from './run-case.js';

export interface ConformanceOptions {
  /** Relative tolerance: |a - b| <= tolerance * (1 + |b|). Default 1e-5. */
  tolerance?: number;
  /** Case name -> why it is skipped on this backend. A reason must be given; unknown names are an error. */
  skip?: Readonly<Record<string, string>>;
}

export interface KernelReport {
  /** Optional kernels the backend implements that ran natively. */
  readonly native: string[];
  /** Optional kernels that ran through core's composite fallbacks. */
  readonly fallback: string[];
  /** Optional kernels the backend implements but the run never called. */
  readonly unused: string[];
}

/** Which optional kernels ran natively and which fell back, for a backend's name. */
export function kernelReport(backend: Backend): KernelReport {
  const usage = kernelUsage(backend.name);
  const report: KernelReport = { native: [], fallback: [], unused: [] };
  for (const k of OPTIONAL_KERNELS) {
    const u = usage[k];
    if (u?.native) report.native.push(k);
    if (u?.fallback) report.fallback.push(k);
    if (backend.kernels[k] && !u?.native) report.unused.push(k);
  }
  return report;
}

export function formatKernelReport(name: string, r: KernelReport): string {
  return (
    `[conformance ${name}] optional kernels: native (${r.native.length}): ${r.native.join(', ') || 'none'}; ` +
    `fell back to core composites (${r.fallback.length}): ${r.fallback.join(', ') || 'none'}` +
    (r.unused.length ? `; implemented but never called: ${r.unused.join(', ')}` : '')
  );
}

let suiteCounter = 0;

/** Names of every case in the suite (to write skip lists against). */
export function conformanceCaseNames(): string[] {
  return allCases().map((c) => c.name);
}

export function describeBackendConformance(
  name: string,
  setup: () => Promise<Backend> | Backend,
  options: ConformanceOptions = {},
): void {
  const tolerance = options.tolerance ?? 1e-5;
  const cases = allCases();
  const skip = options.skip ?? {};
  const known = new Set(cases.map((c) => c.name));
  for (const [caseName, reason] of Object.entries(skip)) {
    if (!known.has(caseName))
      throw new Error(`describeBackendConformance(${name}): skip names unknown case '${caseName}'`);
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`describeBackendConformance(${name}): skipping '${caseName}' needs a reason`);
    }
  }

  // Backends are activated through the registry under private names, so the backend under
  // test keeps its own name (kernelUsage, memory() report under it) and nothing is destroyed.
  const id = ++suiteCounter;
  const testKey = `conformance#${id}:${name}`;
  const oracleKey = `conformance#${id}:reference-oracle`;
  let backend: Backend | undefined;
  const oracle = createReferenceBackend({ fused: true, name: 'reference-oracle' });
  let previous: string | undefined;

  const use = async (key: string) => {
    await setBackend(key);
  };

  const runCase = async (c: ConformanceCase) => {
    if (!backend) throw new Error(`conformance ${name}: setup did not produce a backend`);
    const b = backend;
    const before = snapshot(b);
    let problem: string | undefined;
    if (c.kind === 'error') {
      await use(testKey);
      problem = await runError(c, b, oracle);
    } else {
      const run = (on: Backend): Promise<HostResult[]> =>
        c.kind === 'forward' ? runForward(c, on) : runGrad(c, on);
      await use(testKey);
      const actual = await run(b);
      await use(oracleKey);
      const expected = await run(oracle);
      problem = compareResults(actual, expected, tolerance * (c.tolerance ?? 1));
    }
    const leak = leakBetween(before, snapshot(b), b.name);
    if (problem || leak)
      throw new Error(`${c.name}: ${[problem, leak].filter(Boolean).join('; ')}`);
  };

  describe(`backend conformance: ${name}`, () => {
    beforeAll(async () => {
      previous = (await listBackends({ probe: false })).find((s) => s.active)?.name;
      backend = await setup();
      registerBackend(testKey, () => backend as Backend, { priority: -1e9 });
      registerBackend(oracleKey, () => oracle, { priority: -1e9 });
    });

    afterAll(async () => {
      if (backend) console.log(formatKernelReport(name, kernelReport(backend)));
      if (previous) await setBackend(previous);
    });

    for (const c of cases) {
      const reason = skip[c.name];
      const title = c.kind === 'error' ? `throws ${c.error.name}: ${c.name}` : c.name;
      if (reason) it.skip(`${title} (skipped: ${reason})`, () => {});
      else it(title, () => runCase(c));
    }

    it('optional kernels the backend implements run natively, the rest fall back', () => {
      if (!backend) throw new Error(`conformance ${name}: setup did not produce a backend`);
      const report = kernelReport(backend);
      const wrong = report.fallback.filter((k) => backend?.kernels[k as keyof Backend['kernels']]);
      // With cases skipped, some kernels may legitimately go unexercised.
      const unused = Object.keys(skip).length === 0 ? report.unused : [];
      if (wrong.length || unused.length) {
        throw new Error(
          `optional kernels: implemented but fell back: ${wrong.join(', ') || 'none'}; ` +
            `implemented but never exercised by the suite: ${unused.join(', ') || 'none'}`,
        );
      }
    });
  });
}
