/** WGSL for Im2Col (gather from the image) and Col2Im (gather-sum from the columns, no atomics). */
import { paramLayout } from '../device/params.js';
import { bindings, type ElemType } from '../device/program.js';
import { GEOM_FIELDS, GEOM_WGSL } from './geometry.js';
import { elementwiseMain } from './util.js';

export const IM2COL = paramLayout([['n', 'u32'], ...GEOM_FIELDS]);

/**
 * cols [N, C*kH*kW, outH*outW]; row (c*kH + ki)*kW + kj; padded taps read 0. Moves raw
 * 32-bit words (0 is the zero of both float32 and int32), so one shader serves both dtypes.
 */
export function im2colSource(): string {
  return `${bindings([['X', 'u32']], [['Y', 'u32']], IM2COL)}
${GEOM_WGSL}
${elementwiseMain(`let P = p.outH * p.outW;
    let R = p.C * p.kH * p.kW;
    let pos = i % P;
    let t = i / P;
    let row = t % R;
    let n = t / R;
    let kj = row % p.kW;
    let ki = (row / p.kW) % p.kH;
    let c = row / (p.kW * p.kH);
    let ih = inRow(pos / p.outW, ki);
    let iw = inCol(pos % p.outW, kj);
    var v = 0u;
    if (ih >= 0 && u32(ih) < p.H && iw >= 0 && u32(iw) < p.W) {
      v = X[((n * p.C + c) * p.H + u32(ih)) * p.W + u32(iw)];
    }
    Y[i] = v;`)}`;
}

/** One invocation per image element sums every column entry that im2col copied from it. */
export function col2imSource(t: ElemType): string {
  return `${bindings([['COLS', t]], [['Y', t]], IM2COL)}
${GEOM_WGSL}
${elementwiseMain(`let w = i % p.W;
    let h = (i / p.W) % p.H;
    let c = (i / (p.W * p.H)) % p.C;
    let n = i / (p.W * p.H * p.C);
    let P = p.outH * p.outW;
    let R = p.C * p.kH * p.kW;
    var acc = ${t}(0);
    for (var ki = 0u; ki < p.kH; ki++) {
      let oh = outRowOf(h, ki);
      if (oh < 0) { continue; }
      for (var kj = 0u; kj < p.kW; kj++) {
        let ow = outColOf(w, kj);
        if (ow < 0) { continue; }
        let row = (c * p.kH + ki) * p.kW + kj;
        acc += COLS[(n * R + row) * P + u32(oh) * p.outW + u32(ow)];
      }
    }
    Y[i] = acc;`)}`;
}
