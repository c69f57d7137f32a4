/** Continuous signals sampled on a grid, for the 1-D convolution demo. */
export interface Signal {
  id: string;
  label: string;
  fn: (t: number) => number;
  symmetric: boolean;
}

export const DT = 0.025;
export const T_MAX = 3;
/** Sample points -T_MAX..T_MAX. */
export const GRID = Array.from(
  { length: Math.round((2 * T_MAX) / DT) + 1 },
  (_, i) => -T_MAX + i * DT,
);
/** Kernel support -K_MAX..K_MAX (odd length, centred on 0). */
export const K_MAX = 1.5;
export const KGRID = Array.from(
  { length: Math.round((2 * K_MAX) / DT) + 1 },
  (_, i) => -K_MAX + i * DT,
);

const box =
  (half: number, height = 1) =>
  (t: number) =>
    Math.abs(t) <= half + 1e-9 ? height : 0;

export const SIGNALS_F: Signal[] = [
  { id: 'box', label: 'Box', fn: box(0.5), symmetric: true },
  { id: 'wide', label: 'Wide box', fn: box(1, 0.6), symmetric: true },
  {
    id: 'steps',
    label: 'Two steps',
    fn: (t) => (t >= -1 && t < 0 ? 0.5 : t >= 0 && t <= 1 ? 1 : 0),
    symmetric: false,
  },
];

export const SIGNALS_G: Signal[] = [
  { id: 'box', label: 'Box (same as f)', fn: box(0.5), symmetric: true },
  { id: 'narrow', label: 'Narrow box', fn: box(0.25, 2), symmetric: true },
  {
    id: 'ramp',
    label: 'Ramp (asymmetric)',
    fn: (t) => (t >= 0 && t <= 1 ? 2 * (1 - t) : 0),
    symmetric: false,
  },
  {
    id: 'decay',
    label: 'Decay (asymmetric)',
    fn: (t) => (t >= 0 && t <= K_MAX ? 3 * Math.exp(-3 * t) : 0),
    symmetric: false,
  },
];
