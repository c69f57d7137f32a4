/** Shape arithmetic of a 2-D sliding window (conv, im2col, pooling): output size and padding. */
import type { ConvGeometry } from '../backend/kernels.js';
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, opt, type OptionSchema } from '../options.js';

export type Pair = number | readonly [number, number];
export type Padding = 'valid' | 'same' | number | readonly [number, number];

export interface WindowOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
}

/** Accepted keys of a sliding-window options object; values are checked by windowGeometry. */
export const windowOptionsSchema: OptionSchema<WindowOptions> = {
  stride: opt.checkedLater('an integer >= 1 or [h, w]'),
  padding: opt.checkedLater("'valid', 'same', an integer >= 0 or [ph, pw]"),
  dilation: opt.checkedLater('an integer >= 1 or [h, w]'),
};

export function pair(op: string, arg: string, v: Pair, min: number): [number, number] {
  const p: readonly number[] = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) && typeof v !== 'number') {
    throw new ArgumentError(`${op}: '${arg}' must be a number or [h, w], got ${JSON.stringify(v)}`);
  }
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ArgumentError(
      `${op}: '${arg}' must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return [p[0], p[1]];
}

/** Padding [before, after] on one axis. 'same' keeps ceil(in / stride) outputs (TF's rule). */
function padAxis(
  padding: Padding,
  axis: 0 | 1,
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  op: string,
): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const effective = (k - 1) * dilation + 1;
    const total = Math.max((out - 1) * stride + effective - inSize, 0);
    const before = Math.floor(total / 2);
    return [before, total - before];
  }
  const p = pair(op, 'padding', padding, 0)[axis];
  return [p, p];
}

/**
 * Validate and compute a window geometry. x is [N, C, H, W]; the window is kH x kW;
 * `outChannels` is the number of filters (C again for pooling).
 */
export function windowGeometry(
  op: string,
  xShape: readonly number[],
  kH: number,
  kW: number,
  outChannels: number,
  options: WindowOptions,
): ConvGeometry {
  if (xShape.length !== 4) {
    throw new ShapeError(`${op}: 'x' must be 4-D [N, C, H, W], got ${formatShape(xShape)}`);
  }
  checkOptions(op, options, windowOptionsSchema);
  const padding = options.padding ?? 'valid';
  if (typeof padding === 'string' && padding !== 'valid' && padding !== 'same') {
    throw new ArgumentError(
      `${op}: 'padding' must be 'valid', 'same', a number or [ph, pw], got '${padding}'`,
    );
  }
  const [strideH, strideW] = pair(op, 'stride', options.stride ?? 1, 1);
  const [dilationH, dilationW] = pair(op, 'dilation', options.dilation ?? 1, 1);
  const [batch, inChannels, inH, inW] = xShape;
  const [padTop, padBottom] = padAxis(padding, 0, inH, kH, strideH, dilationH, op);
  const [padLeft, padRight] = padAxis(padding, 1, inW, kW, strideW, dilationW, op);
  const effH = (kH - 1) * dilationH + 1;
  const effW = (kW - 1) * dilationW + 1;
  const outH = Math.floor((inH + padTop + padBottom - effH) / strideH) + 1;
  const outW = Math.floor((inW + padLeft + padRight - effW) / strideW) + 1;
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(
      `${op}: the ${kH}x${kW} window (dilation ${dilationH}x${dilationW}) does not fit x ${formatShape(xShape)} ` +
        `with padding [${padTop}, ${padBottom}, ${padLeft}, ${padRight}]`,
    );
  }
  return {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kH,
    kW,
    strideH,
    strideW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    dilationH,
    dilationW,
    outH,
    outW,
  };
}
