/**
 * summary(model, inputShape): each layer's output shape, parameter count and multiply-adds,
 * computed from declared shapes only (nothing is allocated or run).
 */
import { ArgumentError } from '@tessera/core';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';
import { formatBatchShape, formatCompact, formatCount, renderTable } from './format.js';

export interface SummaryRow {
  readonly name: string;
  readonly kind: string;
  /** Output shape for a batch of one. */
  readonly outputShape: readonly number[];
  readonly params: number;
  /** Multiply-adds per example. */
  readonly multiplyAdds: number;
}

export interface ModelSummary {
  /** Per-example input shape, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly rows: readonly SummaryRow[];
  readonly totalParams: number;
  readonly totalMultiplyAdds: number;
  /** The table as text. */
  readonly text: string;
}

/** `inputShape` is one example's shape without the batch dimension, e.g. [1, 28, 28]. */
export function summary(model: Module, inputShape: readonly number[]): ModelSummary {
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError(
      `summary: 'inputShape' must be positive integers (one example, no batch), got ${JSON.stringify(inputShape)}`,
    );
  }
  const batched = [1, ...inputShape];
  const layers: [Module, number[]][] = [];
  if (model instanceof Sequential) {
    for (const r of model.layerShapes(batched)) layers.push([r.layer, r.input]);
  } else {
    layers.push([model, batched]);
  }
  const rows: SummaryRow[] = layers.map(([layer, input]) => ({
    name: layer.name,
    kind: layer.kind,
    outputShape: layer.outputShape(input),
    params: layer.numParameters(),
    multiplyAdds: layer.multiplyAdds(input),
  }));
  const totalParams = rows.reduce((s, r) => s + r.params, 0);
  const totalMultiplyAdds = rows.reduce((s, r) => s + r.multiplyAdds, 0);
  const table = renderTable(
    ['Layer', 'Type', 'Output shape', 'Params', 'Mult-adds'],
    [
      ['input', '', formatBatchShape(batched), '', ''],
      ...rows.map((r) => [
        r.name,
        r.kind,
        formatBatchShape(r.outputShape),
        formatCount(r.params),
        formatCount(r.multiplyAdds),
      ]),
    ],
    ['left', 'left', 'left', 'right', 'right'],
  );
  const text =
    `${table}\nTotal parameters: ${formatCount(totalParams)} (${formatCompact(totalParams * 4)}B as float32)` +
    `\nMultiply-adds per example: ${formatCount(totalMultiplyAdds)} (${formatCompact(totalMultiplyAdds)})`;
  return { inputShape: [...inputShape], rows, totalParams, totalMultiplyAdds, text };
}
