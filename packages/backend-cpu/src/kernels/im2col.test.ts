import type { ConvGeometry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { expectClose, GEOMETRIES, put, randF32, randI32, run, testBackend } from '../test-utils.js';
import { col2imRows, im2colRows } from './im2col.js';

/** Straight from the definition: cols[n, (c*kH+i)*kW+j, oh*outW+ow] = x[n, c, h, w] or 0. */
function naiveIm2col(x: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const out = new Float64Array(g.batch * rows * L);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      for (let i = 0; i < g.kH; i++)
        for (let j = 0; j < g.kW; j++)
          for (let oh = 0; oh < g.outH; oh++)
            for (let ow = 0; ow < g.outW; ow++) {
              const h = oh * g.strideH - g.padTop + i * g.dilationH;
              const w = ow * g.strideW - g.padLeft + j * g.dilationW;
              const row = (c * g.kH + i) * g.kW + j;
              out[(n * rows + row) * L + oh * g.outW + ow] =
                h >= 0 && h < g.inH && w >= 0 && w < g.inW
                  ? x[((n * g.inChannels + c) * g.inH + h) * g.inW + w]
                  : 0;
            }
  return out;
}

function naiveCol2im(cols: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const rows = g.inChannels * g.kH * g.kW;
  const L = g.outH * g.outW;
  const dx = new Float64Array(g.batch * g.inChannels * g.inH * g.inW);
  for (let n = 0; n < g.batch; n++)
    for (let c = 0; c < g.inChannels; c++)
      for (let i = 0; i < g.kH; i++)
        for (let j = 0; j < g.kW; j++)
          for (let oh = 0; oh < g.outH; oh++)
            for (let ow = 0; ow < g.outW; ow++) {
              const h = oh * g.strideH - g.padTop + i * g.dilationH;
              const w = ow * g.strideW - g.padLeft + j * g.dilationW;
              if (h < 0 || h >= g.inH || w < 0 || w >= g.inW) continue;
              const row = (c * g.kH + i) * g.kW + j;
              dx[((n * g.inChannels + c) * g.inH + h) * g.inW + w] +=
                cols[(n * rows + row) * L + oh * g.outW + ow];
            }
  return dx;
}

describe('Im2Col / Col2Im', () => {
  it.each(GEOMETRIES.map((g, i) => [i, g] as const))(
    'geometry %i matches the definition',
    (_i, g) => {
      const b = testBackend();
      const xs = [g.batch, g.inChannels, g.inH, g.inW];
      const xv = randF32(
        xs.reduce((p, q) => p * q, 1),
        3,
      );
      const x = put(b, xv, xs);
      const cols = run(b, 'Im2Col', { x, geom: g });
      expectClose(cols, naiveIm2col(xv, g), 0);
      const colShape = [g.batch, g.inChannels * g.kH * g.kW, g.outH * g.outW];
      const cv = randF32(
        colShape.reduce((p, q) => p * q, 1),
        4,
      );
      const c = put(b, cv, colShape);
      expectClose(run(b, 'Col2Im', { cols: c, geom: g }), naiveCol2im(cv, g), 1e-6);
      b.disposeData(x.dataId);
      b.disposeData(c.dataId);
      expect(b.memory().numBytes).toBe(0);
    },
  );

  it('keeps int32', () => {
    const b = testBackend();
    const g = GEOMETRIES[2];
    const xs = [g.batch, g.inChannels, g.inH, g.inW];
    const xv = randI32(
      xs.reduce((p, q) => p * q, 1),
      1,
      -50,
      50,
    );
    const cols = run(b, 'Im2Col', { x: put(b, xv, xs), geom: g });
    expect(cols).toBeInstanceOf(Int32Array);
    expectClose(cols, naiveIm2col(xv, g), 0);
  });

  it('bands of output rows concatenate to the whole', () => {
    const g = GEOMETRIES[5];
    const rows = g.inChannels * g.kH * g.kW;
    const L = g.outH * g.outW;
    const x = randF32(g.batch * g.inChannels * g.inH * g.inW, 8);
    const full = naiveIm2col(x, g);
    const image = g.inChannels * g.inH * g.inW;
    for (let oh0 = 0; oh0 < g.outH; oh0 += 2) {
      const oh1 = Math.min(g.outH, oh0 + 2);
      const Lb = (oh1 - oh0) * g.outW;
      const band = new Float32Array(rows * Lb).fill(NaN);
      im2colRows(x, image, g, band, 0, oh0, oh1); // second image of the batch
      for (let r = 0; r < rows; r++)
        for (let l = 0; l < Lb; l++)
          expect(band[r * Lb + l]).toBe(full[(rows + r) * L + oh0 * g.outW + l]);
      // And col2im of the band adds exactly that band's contributions.
      const dx = new Float32Array(2 * image);
      col2imRows(band, 0, g, dx, image, oh0, oh1);
      let dot1 = 0;
      let dot2 = 0;
      for (let r = 0; r < rows * Lb; r++) dot1 += band[r] * band[r];
      for (let i = 0; i < image; i++) dot2 += dx[image + i] * x[image + i];
      expect(Math.abs(dot1 - dot2)).toBeLessThan(1e-4 * (1 + Math.abs(dot1))); // adjointness
    }
  });
});
