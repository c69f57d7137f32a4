/**
 * WGSL for max and average pooling and their backward passes. Backward passes gather: one
 * invocation per input element visits the windows covering it, so no atomics are needed.
 * MaxPoolBackward first records each window's winning position (first maximum, row-major tap
 * order, as PyTorch), then routes dy to it.
 */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { GEOM_FIELDS, GEOM_WGSL } from './geometry.js';
import { elementwiseMain } from './util.js';

/** `negInf` carries -Infinity's bits: WGSL constant expressions may not produce an infinity. */
export const POOL = paramLayout([['n', 'u32'], ['negInf', 'u32'], ...GEOM_FIELDS]);

/** Decode an output index into (plane = n*C + c, oh, ow). */
const OUT_POS = `let ow = i % p.outW;
    let oh = (i / p.outW) % p.outH;
    let plane = i / (p.outW * p.outH);
    let xBase = plane * p.H * p.W;`;

/** Decode an input index into (plane, h, w). */
const IN_POS = `let w = i % p.W;
    let h = (i / p.W) % p.H;
    let plane = i / (p.W * p.H);
    let yBase = plane * p.outH * p.outW;`;

/** Loop over the in-image taps of window (oh, ow), binding `at` (index within the plane). */
function forTaps(body: string): string {
  return `for (var ki = 0u; ki < p.kH; ki++) {
      let ih = inRow(oh, ki);
      if (ih < 0 || u32(ih) >= p.H) { continue; }
      for (var kj = 0u; kj < p.kW; kj++) {
        let iw = inCol(ow, kj);
        if (iw < 0 || u32(iw) >= p.W) { continue; }
        let at = u32(ih) * p.W + u32(iw);
        ${body}
      }
    }`;
}

/** Loop over the windows (oh, ow) whose taps land on (h, w), binding `o` (index within the output plane). */
function forWindows(body: string): string {
  return `for (var ki = 0u; ki < p.kH; ki++) {
      let oh = outRowOf(h, ki);
      if (oh < 0) { continue; }
      for (var kj = 0u; kj < p.kW; kj++) {
        let ow = outColOf(w, kj);
        if (ow < 0) { continue; }
        let o = u32(oh) * p.outW + u32(ow);
        ${body}
      }
    }`;
}

export function maxPoolSource(): string {
  return `${bindings([['X', 'f32']], [['Y', 'f32']], POOL)}
${GEOM_WGSL}
${elementwiseMain(`${OUT_POS}
    var best = bitcast<f32>(p.negInf);
    ${forTaps('best = max(best, X[xBase + at]);')}
    Y[i] = best;`)}`;
}

/** Per output window: the plane index of its first maximum, or -1 when no tap is inside. */
export function maxPoolArgSource(): string {
  return `${bindings([['X', 'f32']], [['ARG', 'i32']], POOL)}
${GEOM_WGSL}
${elementwiseMain(`${OUT_POS}
    var best = 0.0;
    var arg = -1;
    ${forTaps('let v = X[xBase + at]; if (arg < 0 || v > best) { best = v; arg = i32(at); }')}
    ARG[i] = arg;`)}`;
}

export function maxPoolBackwardSource(): string {
  return `${bindings(
    [
      ['ARG', 'i32'],
      ['DY', 'f32'],
    ],
    [['DX', 'f32']],
    POOL,
  )}
${GEOM_WGSL}
${elementwiseMain(`${IN_POS}
    let here = i32(h * p.W + w);
    var acc = 0.0;
    ${forWindows('if (ARG[yBase + o] == here) { acc += DY[yBase + o]; }')}
    DX[i] = acc;`)}`;
}

export function avgPoolSource(): string {
  return `${bindings([['X', 'f32']], [['Y', 'f32']], POOL)}
${GEOM_WGSL}
${elementwiseMain(`${OUT_POS}
    var acc = 0.0;
    ${forTaps('acc += X[xBase + at];')}
    Y[i] = acc / f32(p.kH * p.kW);`)}`;
}

export function avgPoolBackwardSource(): string {
  return `${bindings([['DY', 'f32']], [['DX', 'f32']], POOL)}
${GEOM_WGSL}
${elementwiseMain(`${IN_POS}
    var acc = 0.0;
    ${forWindows('acc += DY[yBase + o];')}
    DX[i] = acc / f32(p.kH * p.kW);`)}`;
}
