/** Metrics logs round-trip and parse errors; text and SVG charts place points where they belong. */
import { describe, expect, it } from 'vitest';
import { formatRecord, parseMetricsLog } from './metrics-log.js';
import { svgCharts, textChart, type Series } from './chart.js';

describe('metrics log', () => {
  it('round-trips records and names the line of a malformed one', () => {
    const recs = [
      { epoch: 1, loss: 0.9, accuracy: 0.7, testAccuracy: 0.8, seconds: 2.5 },
      { epoch: 2, loss: 0.4, seconds: 2 },
    ];
    expect(parseMetricsLog(recs.map(formatRecord).join('\n') + '\n', 'run.jsonl')).toEqual(recs);
    expect(() => parseMetricsLog('{"epoch":1,"loss":1,"seconds":1}\n{"epoch":2}', 'r')).toThrow(
      "r:2: 'loss' must be a number, got undefined",
    );
    expect(() => parseMetricsLog('epoch,loss', 'r.csv')).toThrow('r.csv:1: not a JSON object');
    expect(() => parseMetricsLog('\n\n', 'e')).toThrow('e: no records');
  });
});

describe('charts', () => {
  const loss: Series = {
    name: 'loss',
    mark: '*',
    colour: 'red',
    points: [
      [1, 1],
      [2, 0.5],
      [3, 0],
    ],
  };
  it('text: highest value top-left, lowest bottom-right, axes labelled', () => {
    const lines = textChart('loss', [loss], 11, 5).split('\n');
    expect(lines[0]).toBe('loss   (* loss)');
    expect(lines[1]).toBe('1 |*          ');
    expect(lines[3]).toBe('  |     *     ');
    expect(lines[5]).toBe('0 |          *');
    expect(lines[6]).toBe('  +-----------');
    expect(lines[7]).toMatch(/^ {3}epoch 1 +3$/);
    expect(textChart('x', [{ ...loss, points: [] }])).toBe('x: no data');
  });
  it('svg: one polyline per series, escaped titles', () => {
    const svg = svgCharts([{ title: 'loss <train>', series: [loss] }]);
    expect(svg).toContain('loss &lt;train>');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toMatch(/points="60\.0,30\.0 [\d.]+,[\d.]+ 620\.0,220\.0"/);
  });
});
