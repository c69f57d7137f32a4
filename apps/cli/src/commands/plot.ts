/**
 * `tessera plot run.jsonl`: the loss and accuracy curves of a run (its `--log` file) drawn in
 * the terminal, or written as an SVG with `--svg`, so a run can be seen without a notebook.
 */
import { helpText, UsageError, type Command, type OptionValues } from '../args.js';
import { readUserFile, writeFileAtomic } from '../files.js';
import { svgCharts, textChart, type Series } from '../plot/chart.js';
import { parseMetricsLog, type EpochRecord } from '../plot/metrics-log.js';
import { reportErrors } from '../report-errors.js';

export const plotCommand: Command = {
  name: 'plot',
  summary: 'Draw the loss and accuracy curves of a run from its --log file (terminal or SVG)',
  positionals: { usage: '<run.jsonl>', min: 1, max: 1 },
  options: [
    { name: 'svg', type: 'string', description: 'write the charts to this SVG file instead' },
    { name: 'width', type: 'number', description: 'chart width in characters', default: 60 },
  ],
  help() {
    return helpText(this);
  },
  run(options, positionals) {
    return reportErrors('plot', async () => plot(options, positionals[0]));
  },
};

function charts(records: readonly EpochRecord[]): { title: string; series: Series[] }[] {
  const pick = (f: (r: EpochRecord) => number | undefined) =>
    records.flatMap((r) => {
      const v = f(r);
      return v === undefined ? [] : [[r.epoch, v] as const];
    });
  return [
    {
      title: 'loss',
      series: [{ name: 'train loss', mark: '*', colour: '#d62728', points: pick((r) => r.loss) }],
    },
    {
      title: 'accuracy',
      series: [
        { name: 'train', mark: '*', colour: '#1f77b4', points: pick((r) => r.accuracy) },
        { name: 'test', mark: 'o', colour: '#2ca02c', points: pick((r) => r.testAccuracy) },
      ],
    },
  ];
}

function plot(options: OptionValues, path: string): number {
  const width = Number(options.width);
  if (!Number.isInteger(width) || width < 10 || width > 400)
    throw new UsageError(`--width must be an integer in [10, 400], got ${String(options.width)}`);
  const text = new TextDecoder().decode(
    readUserFile(path, 'metrics log', 'write one with `tessera train --log FILE`'),
  );
  const records = parseMetricsLog(text, path); // a MetricsLogError names the line
  if (typeof options.svg === 'string') {
    writeFileAtomic(options.svg, svgCharts(charts(records)), 'SVG file');
    console.log(`wrote ${options.svg} (${records.length} epochs)`);
    return 0;
  }
  console.log(
    charts(records)
      .map((c) => textChart(c.title, c.series, width))
      .join('\n\n'),
  );
  return 0;
}
