/**
 * Paint arrays as images on a canvas (pixels, filters, activation maps, Jacobians). These are
 * pictures of tensors, not charts: charts use Chart.js (see charts.ts).
 */
export type ColorMap = 'gray' | 'diverging' | 'heat';

export interface PaintOptions {
  /** Value mapped to the low end; default: the data's minimum (or -maxAbs for diverging). */
  min?: number;
  max?: number;
  map?: ColorMap;
}

const HEAT_STOPS: [number, number, number][] = [
  [13, 8, 135],
  [126, 3, 168],
  [204, 71, 120],
  [248, 149, 64],
  [240, 249, 33],
];

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** RGB for t in [0, 1] on a colour map. */
export function colorAt(map: ColorMap, t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  if (map === 'gray') {
    const g = Math.round(u * 255);
    return [g, g, g];
  }
  if (map === 'diverging') {
    // Blue (negative) -> near-white (zero) -> orange-red (positive).
    const lo: [number, number, number] = [37, 99, 235];
    const mid: [number, number, number] = [246, 246, 244];
    const hi: [number, number, number] = [220, 68, 38];
    const [a, b, s] = u < 0.5 ? [lo, mid, u * 2] : [mid, hi, (u - 0.5) * 2];
    return [
      Math.round(lerp(a[0], b[0], s)),
      Math.round(lerp(a[1], b[1], s)),
      Math.round(lerp(a[2], b[2], s)),
    ];
  }
  const x = u * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(x));
  const s = x - i;
  const a = HEAT_STOPS[i];
  const b = HEAT_STOPS[i + 1];
  return [
    Math.round(lerp(a[0], b[0], s)),
    Math.round(lerp(a[1], b[1], s)),
    Math.round(lerp(a[2], b[2], s)),
  ];
}

export function range(
  data: ArrayLike<number>,
  map: ColorMap,
  options: PaintOptions,
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (map === 'diverging' && options.min === undefined && options.max === undefined) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  const min = options.min ?? lo;
  const max = options.max ?? hi;
  return max > min ? [min, max] : [min - 1, min + 1];
}

/**
 * Paint `data` (row-major height x width) into `canvas` at one canvas pixel per value; CSS
 * scales it up with `image-rendering: pixelated`.
 */
export function paint(
  canvas: HTMLCanvasElement,
  data: ArrayLike<number>,
  width: number,
  height: number,
  options: PaintOptions = {},
): void {
  const map = options.map ?? 'gray';
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const [min, max] = range(data, map, options);
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colorAt(map, (data[i] - min) / (max - min));
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = g;
    img.data[i * 4 + 2] = b;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** CSS background for a value in a small numeric grid (matrices shown as tables). */
export function cellColor(v: number, maxAbs: number, map: ColorMap = 'diverging'): string {
  const t = map === 'diverging' ? 0.5 + v / (2 * (maxAbs || 1)) : v / (maxAbs || 1);
  const [r, g, b] = colorAt(map, t);
  return `rgb(${r} ${g} ${b})`;
}

/** Readable text colour on top of cellColor's background. */
export function textOn(v: number, maxAbs: number, map: ColorMap = 'diverging'): string {
  const t = map === 'diverging' ? Math.abs(v) / (maxAbs || 1) : v / (maxAbs || 1);
  return map === 'diverging' ? (t > 0.6 ? '#fff' : '#1f2328') : t > 0.55 ? '#1f2328' : '#fff';
}
