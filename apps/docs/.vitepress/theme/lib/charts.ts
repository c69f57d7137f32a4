/**
 * Chart.js, registered once with only the pieces the demos use (keeps the bundle small),
 * and colours that read well on both the light and the dark theme.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
);

export const PALETTE = {
  teal: '#0e9aa7',
  orange: '#f08a24',
  violet: '#7c5cff',
  rose: '#e5484d',
  green: '#30a46c',
  slate: '#8b949e',
  blue: '#3b82f6',
};

export const SERIES = [
  PALETTE.teal,
  PALETTE.orange,
  PALETTE.violet,
  PALETTE.rose,
  PALETTE.green,
  PALETTE.blue,
];

function themeColors(): { text: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  return {
    text: style.getPropertyValue('--vp-c-text-2').trim() || '#666',
    grid: 'rgba(128, 128, 128, 0.18)',
  };
}

/** Create a chart with the site's defaults (no animation: demos update many times a second). */
export function makeChart<T extends ChartType>(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<T>,
): Chart<T> {
  const { text, grid } = themeColors();
  Chart.defaults.color = text;
  Chart.defaults.borderColor = grid;
  Chart.defaults.font.family = 'Inter, ui-sans-serif, system-ui, sans-serif';
  config.options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    ...config.options,
  } as typeof config.options;
  return new Chart(canvas, config);
}

export { Chart };
