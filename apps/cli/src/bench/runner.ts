/**
 * Timing discipline for a noisy 2-core VM: warm every contender up first (first-touch memory is
 * slow here), calibrate repetitions so each sample lasts at least `minSampleMs`, interleave the
 * contenders round by round, and keep the median sample. It measures; it never asserts.
 */
import type { BenchCase } from './cases.js';
import type { Contender, PreparedCase } from './contender.js';

export interface RunnerOptions {
  rounds: number;
  minSampleMs: number;
  /** Stop sampling a contender on a case after roughly this long. */
  maxCaseMs: number;
  log: (line: string) => void;
  /**
   * Idle time before each sample. Thread pools spin-wait after work (OpenBLAS's for up to ~0.1 s,
   * onnxruntime's for a while after each run): without a pause, the contender timed next shares
   * the 2 cores with the previous one's spinning threads (measured here: native matmul 256 at
   * 0.77 ms right after onnxruntime, 0.37 ms alone).
   */
  settleMs: number;
  /** Minimum time each contender runs a case before its samples are taken. */
  warmupMs: number;
}

const settle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Measurement {
  readonly caseName: string;
  readonly contender: string;
  readonly isPeer: boolean;
  /** Median milliseconds per run; undefined when the contender does not support the case. */
  readonly ms?: number;
  readonly gflops?: number;
  readonly samples?: number;
  readonly error?: string;
}

async function timeOnce(p: PreparedCase, reps: number): Promise<number> {
  const t0 = performance.now();
  await p.run(reps);
  return (performance.now() - t0) / reps;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function runCase(
  c: BenchCase,
  contenders: readonly Contender[],
  options: RunnerOptions,
): Promise<Measurement[]> {
  const prepared: {
    contender: Contender;
    p?: PreparedCase;
    reps: number;
    samples: number[];
    error?: string;
    spent: number;
  }[] = [];
  for (const contender of contenders) {
    try {
      const p = await contender.prepare(c);
      if (!p) {
        prepared.push({ contender, reps: 0, samples: [], spent: 0, error: 'unsupported' });
        continue;
      }
      // Warm-up: at least two runs and warmupMs of running (JIT tiers, buffer pools and thread
      // pools settle over hundreds of runs: LeNet inference on native measured 1.6 ms after 2
      // warm-up runs, 1.1 ms after 1500), then calibrate the repetitions from the last run.
      let once = await timeOnce(p, 1);
      let warm = once;
      for (let runs = 1; runs < 2 || warm < options.warmupMs; runs++) {
        const reps = Math.max(
          1,
          Math.min(1000, Math.floor(options.warmupMs / 4 / Math.max(once, 1e-3))),
        );
        const ms = await timeOnce(p, reps);
        once = ms;
        warm += ms * reps;
      }
      const reps = Math.max(1, Math.ceil(options.minSampleMs / Math.max(once, 1e-3)));
      prepared.push({ contender, p, reps, samples: [], spent: warm });
    } catch (err) {
      prepared.push({
        contender,
        reps: 0,
        samples: [],
        spent: 0,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const entry of prepared) {
      if (!entry.p || (round > 0 && entry.spent > options.maxCaseMs)) continue;
      await settle(options.settleMs);
      try {
        const ms = await timeOnce(entry.p, entry.reps);
        entry.samples.push(ms);
        entry.spent += ms * entry.reps;
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
        entry.p.dispose();
        delete entry.p;
      }
    }
  }
  const out: Measurement[] = [];
  for (const entry of prepared) {
    entry.p?.dispose();
    const base = {
      caseName: c.name,
      contender: entry.contender.name,
      isPeer: entry.contender.isPeer,
    };
    if (entry.samples.length === 0) {
      out.push({ ...base, error: entry.error ?? 'no samples' });
      continue;
    }
    const ms = median(entry.samples);
    out.push({ ...base, ms, gflops: c.flops / (ms * 1e6), samples: entry.samples.length });
  }
  return out;
}
