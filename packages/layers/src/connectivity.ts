/**
 * The lecture's connectivity comparison: one image, many hidden units, three ways to connect
 * them. Counts come from building the real layers and reading their declared parameter shapes
 * (nothing is allocated: the fully connected weight alone would be 1.6 billion floats).
 */
import { ArgumentError } from '@tessera/core';
import { Conv2d } from './conv2d.js';
import { Linear } from './linear.js';
import { LocallyConnected2d } from './locally-connected.js';
import type { Module } from './module.js';
import { formatCompact, formatCount, renderTable } from './format.js';

export interface ConnectivityOptions {
  /** Image side (square, one channel); default 200. */
  imageSize?: number;
  /** Receptive field side of the local and conv layers; default 10. */
  field?: number;
  /** Filters of the shared (conv) layer; default 100. */
  filters?: number;
}

export interface ConnectivityRow {
  readonly name: string;
  readonly layer: string;
  readonly outputShape: readonly number[];
  readonly hiddenUnits: number;
  readonly weights: number;
  readonly biases: number;
  readonly weightShape: readonly number[];
}

export interface ConnectivityComparison {
  readonly imageSize: number;
  readonly rows: readonly ConnectivityRow[];
  readonly text: string;
}

function row(name: string, layer: Module, input: number[]): ConnectivityRow {
  const info = layer.parameterInfo();
  const weight = info.find((p) => p.name === 'weight');
  const bias = info.find((p) => p.name === 'bias');
  const out = layer.outputShape(input);
  return {
    name,
    layer: layer.kind,
    outputShape: out.slice(1),
    hiddenUnits: out.slice(1).reduce((a, b) => a * b, 1),
    weights: weight?.size ?? 0,
    biases: bias?.size ?? 0,
    weightShape: weight?.shape ?? [],
  };
}

export function compareConnectivity(options: ConnectivityOptions = {}): ConnectivityComparison {
  const size = options.imageSize ?? 200;
  const field = options.field ?? 10;
  const filters = options.filters ?? 100;
  for (const [k, v] of [
    ['imageSize', size],
    ['field', field],
    ['filters', filters],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ArgumentError(`compareConnectivity: '${k}' must be a positive integer, got ${v}`);
  }
  const pixels = size * size;
  // As many hidden units as pixels (40K for 200x200): 'same' padding keeps the map size.
  const fc = new Linear(pixels, pixels, { name: 'fully_connected' });
  const local = new LocallyConnected2d(1, 1, field, {
    inputSize: [size, size],
    padding: 'same',
    name: 'locally_connected',
  });
  const conv = new Conv2d(1, filters, field, { padding: 'same', name: 'convolutional' });
  const rows = [
    row(`fully connected (every unit sees all ${formatCount(pixels)} pixels)`, fc, [1, pixels]),
    row(`locally connected (${field}x${field} field per unit, no sharing)`, local, [
      1,
      1,
      size,
      size,
    ]),
    row(`convolutional (${filters} shared ${field}x${field} filters)`, conv, [1, 1, size, size]),
  ];
  const table = renderTable(
    ['Connectivity', 'Weight shape', 'Hidden units', 'Weights', 'Biases'],
    rows.map((r) => [
      r.name,
      `[${r.weightShape.join(', ')}]`,
      formatCount(r.hiddenUnits),
      `${formatCount(r.weights)} (${formatCompact(r.weights)})`,
      formatCount(r.biases),
    ]),
    ['left', 'left', 'right', 'right', 'right'],
  );
  const text = `A ${size}x${size} image, ${formatCount(pixels)} hidden units per map:\n${table}`;
  return { imageSize: size, rows, text };
}
