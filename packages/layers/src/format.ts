/** Small text helpers shared by the summary, profiler and connectivity tables. */

/** 1234567 -> '1,234,567'. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 1.6e9 -> '1.6B', 4e6 -> '4.0M', 10000 -> '10.0K'. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** Shape with the batch dimension written as N: [N, 6, 28, 28]. */
export function formatBatchShape(shape: readonly number[]): string {
  return `[${['N', ...shape.slice(1)].join(', ')}]`;
}

export type Align = 'left' | 'right';

/** A plain-text table: header row, a rule, then rows; columns padded to their widest cell. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
