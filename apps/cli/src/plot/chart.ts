/**
 * Line charts of a run's curves, for a terminal (characters) and as SVG. One chart per
 * quantity (loss; accuracy), x = epoch; several series share a chart with their own mark.
 */
export interface Series {
  readonly name: string;
  readonly mark: string;
  readonly colour: string;
  readonly points: readonly (readonly [number, number])[];
}

function bounds(series: readonly Series[]): { x0: number; x1: number; y0: number; y1: number } {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  return { x0, x1, y0, y1 };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3))));

/** A `width` x `height` character chart with a y axis, an x axis and a legend. */
export function textChart(
  title: string,
  series: readonly Series[],
  width = 60,
  height = 12,
): string {
  const live = series.filter((s) => s.points.length > 0);
  if (live.length === 0) return `${title}: no data`;
  const { x0, x1, y0, y1 } = bounds(live);
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  for (const s of live) {
    for (const [x, y] of s.points) {
      const col = Math.round(((x - x0) / (x1 - x0)) * (width - 1));
      const row = height - 1 - Math.round(((y - y0) / (y1 - y0)) * (height - 1));
      grid[row][col] = s.mark;
    }
  }
  const labelWidth = Math.max(fmt(y0).length, fmt(y1).length);
  const lines = grid.map((row, i) => {
    const label = i === 0 ? fmt(y1) : i === height - 1 ? fmt(y0) : '';
    return `${label.padStart(labelWidth)} |${row.join('')}`;
  });
  lines.push(`${' '.repeat(labelWidth)} +${'-'.repeat(width)}`);
  const left = `epoch ${fmt(x0)}`;
  const right = `${fmt(x1)}`;
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${right.padStart(width - left.length)}`);
  const legend = live.map((s) => `${s.mark} ${s.name}`).join('   ');
  return [`${title}   (${legend})`, ...lines].join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Charts stacked vertically in one SVG document. */
export function svgCharts(charts: readonly { title: string; series: readonly Series[] }[]): string {
  const w = 640;
  const h = 260;
  const pad = { l: 60, r: 20, t: 30, b: 40 };
  const parts: string[] = [];
  charts.forEach(({ title, series }, k) => {
    const live = series.filter((s) => s.points.length > 0);
    const top = k * h;
    parts.push(`<text x="${pad.l}" y="${top + 20}" font-size="14">${esc(title)}</text>`);
    if (live.length === 0) return;
    const { x0, x1, y0, y1 } = bounds(live);
    const px = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
    const py = (y: number) => top + pad.t + (1 - (y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
    const bottom = top + h - pad.b;
    parts.push(
      `<line x1="${pad.l}" y1="${bottom}" x2="${w - pad.r}" y2="${bottom}" stroke="#888"/>`,
      `<line x1="${pad.l}" y1="${top + pad.t}" x2="${pad.l}" y2="${bottom}" stroke="#888"/>`,
      `<text x="${pad.l - 6}" y="${py(y1) + 4}" font-size="11" text-anchor="end">${fmt(y1)}</text>`,
      `<text x="${pad.l - 6}" y="${py(y0) + 4}" font-size="11" text-anchor="end">${fmt(y0)}</text>`,
      `<text x="${pad.l}" y="${bottom + 16}" font-size="11">epoch ${fmt(x0)}</text>`,
      `<text x="${w - pad.r}" y="${bottom + 16}" font-size="11" text-anchor="end">${fmt(x1)}</text>`,
    );
    live.forEach((s, i) => {
      const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      parts.push(
        `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts}"/>`,
        `<text x="${w - pad.r - 150}" y="${top + 20 + i * 14}" font-size="11" fill="${s.colour}">${esc(s.name)}</text>`,
      );
    });
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h * charts.length}" ` +
    `font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`
  );
}
