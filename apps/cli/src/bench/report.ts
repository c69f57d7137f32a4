/** The bench's table: per case, each contender's time, GFLOP/s and ratio to the peer. */
import type { Measurement } from './runner.js';

function fmt(x: number | undefined, digits: number): string {
  return x === undefined ? '-' : x.toFixed(digits);
}

export function ratioToPeer(m: Measurement, all: readonly Measurement[]): number | undefined {
  const peer = all.find((p) => p.isPeer && p.caseName === m.caseName && p.gflops !== undefined);
  if (!peer?.gflops || m.gflops === undefined) return undefined;
  return m.gflops / peer.gflops;
}

export function formatTable(measurements: readonly Measurement[]): string {
  const header = ['case', 'contender', 'ms', 'GFLOP/s', 'x peer'];
  const rows = measurements.map((m) => [
    m.caseName,
    m.contender,
    m.error ? `(${m.error})` : fmt(m.ms, 2),
    fmt(m.gflops, 2),
    m.isPeer ? 'peer' : fmt(ratioToPeer(m, measurements), 2),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i === 2 && r[2].startsWith('(') ? 0 : r[i].length))),
  );
  const line = (r: string[]) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
