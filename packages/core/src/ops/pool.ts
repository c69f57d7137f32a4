/**
 * Max and average pooling. The composite path treats every channel as its own 1-channel image,
 * unfolds windows with im2col, and reduces each column.
 */
import { record } from '../autodiff/tape.js';
import type { ConvGeometry } from '../backend/kernels.js';
import { ArgumentError, DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { div, mul } from './binary.js';
import { oneHot } from './cast.js';
import { composite } from './composite.js';
import { checkTensor, runKernel, runOptional } from './dispatch.js';
import { pair, windowGeometry, type Pair, type Padding } from './geometry.js';
import { checkOptions, opt, type OptionSchema } from '../options.js';
import { fillOn } from './helpers.js';
import { add } from './binary.js';
import { reshape } from './reshape.js';
import { argmax, max, sum } from './reduce.js';
import { pad, slice, transpose } from './transform.js';

export interface PoolOptions {
  kernelSize: Pair;
  /** Defaults to kernelSize (non-overlapping windows). */
  stride?: Pair;
  padding?: Padding;
}

const poolOptionsSchema: OptionSchema<PoolOptions> = {
  kernelSize: opt.checkedLater('an integer >= 1 or [kH, kW]'),
  stride: opt.checkedLater('an integer >= 1 or [h, w]'),
  padding: opt.checkedLater("'valid', 'same', an integer >= 0 or [ph, pw]"),
};

function poolGeometry(op: string, x: Tensor, options: PoolOptions): ConvGeometry {
  checkTensor(op, 'x', x);
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: 'x' must be float32, got ${x.dtype}`);
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`${op}: options {kernelSize, stride?, padding?} are required`);
  }
  checkOptions(op, options, poolOptionsSchema);
  const [kH, kW] = pair(op, 'kernelSize', options.kernelSize, 1);
  const g = windowGeometry(op, x.shape, kH, kW, x.shape[1] ?? 0, {
    stride: options.stride ?? [kH, kW],
    padding: options.padding ?? 'valid',
  });
  if (Math.max(g.padTop, g.padBottom) > kH / 2 || Math.max(g.padLeft, g.padRight) > kW / 2) {
    throw new ArgumentError(
      `${op}: padding [${g.padTop}, ${g.padBottom}, ${g.padLeft}, ${g.padRight}] must be at most half the ${kH}x${kW} window`,
    );
  }
  return g;
}

/** Each channel as a separate 1-channel image: the geometry im2col sees in the composites. */
function perChannel(g: ConvGeometry, padded: boolean): ConvGeometry {
  const shift = padded ? {} : { padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
  const h = padded ? g.inH : g.inH + g.padTop + g.padBottom;
  const w = padded ? g.inW : g.inW + g.padLeft + g.padRight;
  return {
    ...g,
    ...shift,
    batch: g.batch * g.inChannels,
    inChannels: 1,
    outChannels: 1,
    inH: h,
    inW: w,
  };
}

/** Windows of x as columns [N*C, kH*kW, L]; padding filled with `padValue`. */
function windows(x: Tensor, g: ConvGeometry, padValue: number): Tensor {
  const nc = g.batch * g.inChannels;
  const padded = pad(
    x,
    [
      [0, 0],
      [0, 0],
      [g.padTop, g.padBottom],
      [g.padLeft, g.padRight],
    ],
    padValue,
  );
  const flat = reshape(padded, [nc, 1, padded.shape[2], padded.shape[3]]);
  const pg = perChannel(g, false);
  return runKernel(
    x.backend,
    'Im2Col',
    { x: flat, geom: pg },
    [nc, g.kH * g.kW, g.outH * g.outW],
    'float32',
  );
}

/** Fold per-channel columns back to [N, C, H, W], dropping the padding. */
function foldBack(cols: Tensor, g: ConvGeometry): Tensor {
  const pg = perChannel(g, false);
  const img = runKernel(
    cols.backend,
    'Col2Im',
    { cols, geom: pg },
    [pg.batch, 1, pg.inH, pg.inW],
    'float32',
  );
  const inner = slice(img, [0, 0, g.padTop, g.padLeft], [pg.batch, 1, g.inH, g.inW]);
  return reshape(inner, [g.batch, g.inChannels, g.inH, g.inW]);
}

function maxPoolBackward(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  return runOptional(x.backend, 'MaxPoolBackward', { x, dy, geom: g }, x.shape, 'float32', () =>
    composite(() => {
      const cols = windows(x, g, -Infinity);
      const nc = g.batch * g.inChannels;
      const L = g.outH * g.outW;
      const winner = transpose(oneHot(argmax(cols, 1), g.kH * g.kW), [0, 2, 1]);
      return foldBack(mul(winner, reshape(dy, [nc, 1, L])), g);
    }),
  );
}

function avgPoolBackward(dy: Tensor, g: ConvGeometry): Tensor {
  const shape = [g.batch, g.inChannels, g.inH, g.inW];
  return runOptional(dy.backend, 'AvgPoolBackward', { dy, geom: g }, shape, 'float32', () =>
    composite(() => {
      const nc = g.batch * g.inChannels;
      const share = reshape(div(dy, g.kH * g.kW), [nc, 1, g.outH * g.outW]);
      return foldBack(
        add(share, fillOn(dy.backend, [nc, g.kH * g.kW, g.outH * g.outW], 0, 'float32')),
        g,
      );
    }),
  );
}

/** Max over each window; padded positions never win. x [N, C, H, W]. */
export function maxPool2d(x: Tensor, options: PoolOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, options);
  const outShape = [g.batch, g.inChannels, g.outH, g.outW];
  const y = runOptional(x.backend, 'MaxPool', { x, geom: g }, outShape, 'float32', () =>
    composite(() => reshape(max(windows(x, g, -Infinity), 1), outShape)),
  );
  record('maxPool2d', [x], y, [x], (dy, [sx]) => [maxPoolBackward(sx, dy, g)]);
  return y;
}

/** Mean over each window, dividing by kH*kW (padding counts as zeros, PyTorch's default). */
export function avgPool2d(x: Tensor, options: PoolOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, options);
  const outShape = [g.batch, g.inChannels, g.outH, g.outW];
  const y = runOptional(x.backend, 'AvgPool', { x, geom: g }, outShape, 'float32', () =>
    composite(() => reshape(div(sum(windows(x, g, 0), 1), g.kH * g.kW), outShape)),
  );
  record('avgPool2d', [x], y, [], (dy) => [avgPoolBackward(dy, g)]);
  return y;
}
