/**
 * 2-D convolution (cross-correlation, as in every DL library), im2col/col2im, and locally
 * connected layers. The composite path is im2col + one batched GEMM:
 *   out[n] (O x L) = W (O x C*kH*kW) @ cols[n] (C*kH*kW x L),  L = outH*outW.
 */
import { record } from '../autodiff/tape.js';
import type { ConvGeometry } from '../backend/kernels.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { composite } from './composite.js';
import { backendOf, checkTensor, runKernel, runOptional } from './dispatch.js';
import { windowGeometry, pair, type Pair, type WindowOptions } from './geometry.js';
import { matmul } from './matmul.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { transpose } from './transform.js';

export type Conv2DOptions = WindowOptions;

function colsShape(g: ConvGeometry): number[] {
  return [g.batch, g.inChannels * g.kH * g.kW, g.outH * g.outW];
}

function requireFloat(op: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'float32')
    throw new DTypeError(`${op}: '${arg}' must be float32, got ${t.dtype}`);
}

function im2colKernel(x: Tensor, g: ConvGeometry): Tensor {
  return runKernel(x.backend, 'Im2Col', { x, geom: g }, colsShape(g), x.dtype);
}

function col2imKernel(cols: Tensor, g: ConvGeometry): Tensor {
  return runKernel(
    cols.backend,
    'Col2Im',
    { cols, geom: g },
    [g.batch, g.inChannels, g.inH, g.inW],
    cols.dtype,
  );
}

/**
 * Unfold every kH x kW patch of x [N, C, H, W] into a column: [N, C*kH*kW, outH*outW].
 * Exported for teaching: conv2d(x, w) equals reshape(w, [O, -1]) @ im2col(x).
 */
export function im2col(x: Tensor, kernelSize: Pair, options: WindowOptions = {}): Tensor {
  checkTensor('im2col', 'x', x);
  const [kH, kW] = pair('im2col', 'kernelSize', kernelSize, 1);
  const g = windowGeometry('im2col', x.shape, kH, kW, x.shape[1] ?? 0, options);
  const y = im2colKernel(x, g);
  record('im2col', [x], y, [], (dy) => [col2imKernel(dy, g)]);
  return y;
}

/** Fold columns back into an image, summing overlapping patches (the adjoint of im2col). */
export function col2im(
  cols: Tensor,
  imageShape: readonly [number, number, number, number],
  kernelSize: Pair,
  options: WindowOptions = {},
): Tensor {
  checkTensor('col2im', 'cols', cols);
  const [kH, kW] = pair('col2im', 'kernelSize', kernelSize, 1);
  const g = windowGeometry('col2im', imageShape, kH, kW, imageShape[1], options);
  const expected = colsShape(g);
  if (cols.rank !== 3 || cols.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `col2im: 'cols' must be ${formatShape(expected)} for image ${formatShape(imageShape)}, got ${formatShape(cols.shape)}`,
    );
  }
  const y = col2imKernel(cols, g);
  record('col2im', [cols], y, [], (dy) => [im2colKernel(dy, g)]);
  return y;
}

/** Geometry for conv2d(x, w), validating both shapes. */
export function conv2dGeometry(
  op: string,
  x: Tensor,
  w: Tensor,
  options: Conv2DOptions,
): ConvGeometry {
  if (w.rank !== 4) {
    throw new ShapeError(`${op}: 'w' must be 4-D [outC, inC, kH, kW], got ${formatShape(w.shape)}`);
  }
  if (x.rank === 4 && x.shape[1] !== w.shape[1]) {
    throw new ShapeError(
      `${op}: x ${formatShape(x.shape)} has ${x.shape[1]} channels but w ${formatShape(w.shape)} expects ${w.shape[1]}`,
    );
  }
  return windowGeometry(op, x.shape, w.shape[2], w.shape[3], w.shape[0], options);
}

/** Gradient of conv2d with respect to its input. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const dxShape = [g.batch, g.inChannels, g.inH, g.inW];
  return runOptional(
    dy.backend,
    'Conv2DBackpropInput',
    { dy, w, geom: g },
    dxShape,
    'float32',
    () =>
      composite(() => {
        const w2 = reshape(w, [g.outChannels, g.inChannels * g.kH * g.kW]);
        const dy3 = reshape(dy, [g.batch, g.outChannels, g.outH * g.outW]);
        return col2imKernel(matmul(w2, dy3, { transposeA: true }), g);
      }),
  );
}

/** Gradient of conv2d with respect to its filter. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const dwShape = [g.outChannels, g.inChannels, g.kH, g.kW];
  return runOptional(
    x.backend,
    'Conv2DBackpropFilter',
    { x, dy, geom: g },
    dwShape,
    'float32',
    () =>
      composite(() => {
        const dy3 = reshape(dy, [g.batch, g.outChannels, g.outH * g.outW]);
        const perImage = matmul(dy3, im2colKernel(x, g), { transposeB: true });
        return reshape(sum(perImage, 0), dwShape);
      }),
  );
}

/** x [N, C, H, W] (*) w [O, C, kH, kW] -> [N, O, outH, outW]. */
export function conv2d(x: Tensor, w: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  requireFloat(op, 'x', x);
  requireFloat(op, 'w', w);
  const backend = backendOf(op, x, w);
  const g = conv2dGeometry(op, x, w, options);
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  const y = runOptional(backend, 'Conv2D', { x, w, geom: g }, outShape, 'float32', () =>
    composite(() => {
      const w2 = reshape(w, [g.outChannels, g.inChannels * g.kH * g.kW]);
      return reshape(matmul(w2, im2colKernel(x, g)), outShape);
    }),
  );
  record(op, [x, w], y, [x, w], (dy, [sx, sw], [needX, needW]) => [
    needX ? conv2dBackpropInput(dy, sw, g) : null,
    needW ? conv2dBackpropFilter(sx, dy, g) : null,
  ]);
  return y;
}

/**
 * Like conv2d but with a separate filter at every output position (no weight sharing).
 * w is [outH, outW, O, C, kH, kW]: outH*outW times the parameters of the shared conv.
 */
export function locallyConnected2d(x: Tensor, w: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'locallyConnected2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  requireFloat(op, 'x', x);
  requireFloat(op, 'w', w);
  backendOf(op, x, w);
  if (w.rank !== 6) {
    throw new ShapeError(
      `${op}: 'w' must be 6-D [outH, outW, outC, inC, kH, kW], got ${formatShape(w.shape)}`,
    );
  }
  const [, , outC, inC, kH, kW] = w.shape;
  const g = windowGeometry(op, x.shape, kH, kW, outC, options);
  const expected = [g.outH, g.outW, outC, g.inChannels, kH, kW];
  if (inC !== g.inChannels || w.shape[0] !== g.outH || w.shape[1] !== g.outW) {
    throw new ShapeError(
      `${op}: for x ${formatShape(x.shape)} 'w' must be ${formatShape(expected)}, got ${formatShape(w.shape)}`,
    );
  }
  const L = g.outH * g.outW;
  const ckk = g.inChannels * kH * kW;
  // Per position l: out[l] (N x O) = cols[:, :, l] (N x CKK) @ W[l]^T (CKK x O).
  const cols = im2col(x, [kH, kW], options);
  const colsByPos = transpose(cols, [2, 0, 1]);
  const w3 = reshape(w, [L, outC, ckk]);
  const out = matmul(colsByPos, w3, { transposeB: true });
  const nol = transpose(out, [1, 2, 0]);
  const y = reshape(nol, [g.batch, outC, g.outH, g.outW]);
  for (const t of [cols, colsByPos, w3, out, nol]) t.dispose();
  return y;
}
