/**
 * The bench's table: per case, each contender's time and GFLOP/s, then its speed relative to each
 * baseline that ran (the Tessera cpu backend and the peers): "x cpu" 10.0 means ten times as fast
 * as the cpu backend on that case. Unsupported cases (a peer that does not train) are left out.
 */
import type { Measurement } from './runner.js';

/** Contenders the others are compared with, when they ran: column title by contender name. */
const BASELINES: readonly { contender: string; title: string }[] = [
  { contender: 'cpu', title: 'x cpu' },
  { contender: 'tfjs-cpu', title: 'x tfjs' },
  { contender: 'onnxruntime', title: 'x ort' },
];

function fmt(x: number | undefined, digits: number): string {
  return x === undefined ? '-' : x.toFixed(digits);
}

/** Speed of `m` relative to `baseline` on the same case (undefined when either did not run). */
export function speedRatio(
  m: Measurement,
  baseline: string,
  all: readonly Measurement[],
): number | undefined {
  if (m.contender === baseline || m.gflops === undefined) return undefined;
  const base = all.find((b) => b.contender === baseline && b.caseName === m.caseName);
  return base?.gflops ? m.gflops / base.gflops : undefined;
}

/** Every baseline ratio of `m`, keyed by baseline contender name (for the JSON results). */
export function speedRatios(m: Measurement, all: readonly Measurement[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { contender } of BASELINES) {
    const r = speedRatio(m, contender, all);
    if (r !== undefined) out[contender] = r;
  }
  return out;
}

export function formatTable(measurements: readonly Measurement[]): string {
  const shown = measurements.filter((m) => m.error !== 'unsupported');
  const baselines = BASELINES.filter((b) => shown.some((m) => m.contender === b.contender));
  const header = ['case', 'contender', 'ms', 'GFLOP/s', ...baselines.map((b) => b.title)];
  const rows = shown.map((m) => [
    m.caseName,
    m.contender,
    m.error ? `(${m.error})` : fmt(m.ms, 2),
    fmt(m.gflops, 2),
    ...baselines.map((b) => fmt(speedRatio(m, b.contender, shown), 2)),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i === 2 && r[2].startsWith('(') ? 0 : r[i].length))),
  );
  const line = (r: string[]) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
