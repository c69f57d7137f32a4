import type { ConvGeometry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { expectClose, geometry, put, randF32, randI32, run, testBackend } from '../test-utils.js';

describe('BiasAdd', () => {
  it('adds along the middle axis, with and without relu', () => {
    const b = testBackend();
    for (const [outer, channels, inner] of [
      [1, 1, 1],
      [3, 4, 1],
      [2, 3, 5],
      [1, 7, 9],
      [0, 3, 2],
    ]) {
      const xv = randF32(outer * channels * inner, 1);
      const bv = randF32(channels, 2);
      const x = put(b, xv, [outer, channels, inner]);
      const bias = put(b, bv, [channels]);
      for (const relu of [false, true]) {
        const want = new Float64Array(xv.length);
        for (let o = 0; o < outer; o++)
          for (let c = 0; c < channels; c++)
            for (let i = 0; i < inner; i++) {
              const at = (o * channels + c) * inner + i;
              const v = xv[at] + bv[c];
              want[at] = relu ? Math.max(0, v) : v;
            }
        expectClose(run(b, 'BiasAdd', { x, bias, outer, channels, inner, relu }), want);
      }
      b.disposeData(x.dataId);
      b.disposeData(bias.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });
});

/** Float64 row softmax written the long way: exp(x - max) / sum. */
function naiveSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

describe('Softmax family', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 7],
    [4, 10],
    [2, 33],
    [0, 5],
  ];

  it('Softmax and LogSoftmax on ordinary and 1e4-magnitude logits', () => {
    const b = testBackend();
    for (const scale of [3, 1e4]) {
      for (const [outer, size] of shapes) {
        const xv = randF32(outer * size, 5, -scale, scale);
        const x = put(b, xv, [outer, size]);
        const sm: number[] = [];
        const lsm: number[] = [];
        for (let r = 0; r < outer; r++) {
          const row = Array.from(xv.subarray(r * size, (r + 1) * size));
          const p = naiveSoftmaxRow(row);
          sm.push(...p);
          const m = Math.max(...row);
          const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
          lsm.push(...row.map((v) => v - lse));
        }
        const y = run(b, 'Softmax', { x, outer, size });
        expect(y.every((v) => Number.isFinite(v))).toBe(true);
        expectClose(y, sm);
        expectClose(run(b, 'LogSoftmax', { x, outer, size }), lsm);
        b.disposeData(x.dataId);
      }
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('SoftmaxCrossEntropy and its gradient, including huge logits and a bad label', () => {
    const b = testBackend();
    for (const scale of [2, 1e4]) {
      const [n, k] = [5, 7];
      const lv = randF32(n * k, 9, -scale, scale);
      const labv = randI32(n, 3, 0, k);
      labv[4] = k; // out of range -> NaN row
      const dyv = randF32(n, 4);
      const logits = put(b, lv, [n, k]);
      const labels = put(b, labv, [n]);
      const dy = put(b, dyv, [n]);
      const loss: number[] = [];
      const grad: number[] = [];
      for (let r = 0; r < n; r++) {
        const row = Array.from(lv.subarray(r * k, (r + 1) * k));
        const valid = labv[r] >= 0 && labv[r] < k;
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        loss.push(valid ? lse - row[labv[r]] : NaN);
        const p = naiveSoftmaxRow(row);
        grad.push(...p.map((v, i) => (valid ? (v - (i === labv[r] ? 1 : 0)) * dyv[r] : NaN)));
      }
      expectClose(run(b, 'SoftmaxCrossEntropy', { logits, labels }), loss);
      expectClose(run(b, 'SoftmaxCrossEntropyGrad', { logits, labels, dy }), grad);
      for (const t of [logits, labels, dy]) b.disposeData(t.dataId);
    }
    expect(b.memory().numBytes).toBe(0);
  });

  it('a near-certain prediction keeps p - 1 accurate in the gradient', () => {
    const b = testBackend();
    const logits = put(b, new Float32Array([20, 0, 0]), [1, 3]);
    const labels = put(b, new Int32Array([0]), [1]);
    const dy = put(b, new Float32Array([1]), [1]);
    const g = run(b, 'SoftmaxCrossEntropyGrad', { logits, labels, dy });
    const want = (-2 * Math.exp(-20)) / (1 + 2 * Math.exp(-20));
    expect(Math.abs(g[0] - want) / Math.abs(want)).toBeLessThan(1e-5);
  });
});

function poolRef(g: ConvGeometry, x: Float32Array, dy: Float32Array) {
  const planes = g.batch * g.inChannels;
  const y = new Float64Array(planes * g.outH * g.outW);
  const avg = new Float64Array(y.length);
  const dxMax = new Float64Array(x.length);
  const dxAvg = new Float64Array(x.length);
  for (let p = 0; p < planes; p++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++) {
        const out = (p * g.outH + oh) * g.outW + ow;
        let best = -Infinity;
        let where = -1;
        let sum = 0;
        for (let i = 0; i < g.kH; i++)
          for (let j = 0; j < g.kW; j++) {
            const h = oh * g.strideH - g.padTop + i * g.dilationH;
            const w = ow * g.strideW - g.padLeft + j * g.dilationW;
            if (h < 0 || h >= g.inH || w < 0 || w >= g.inW) continue;
            const at = (p * g.inH + h) * g.inW + w;
            if (where < 0 || x[at] > best) {
              best = x[at];
              where = at;
            }
            sum += x[at];
            dxAvg[at] += dy[out] / (g.kH * g.kW);
          }
        y[out] = best;
        avg[out] = sum / (g.kH * g.kW);
        if (where >= 0) dxMax[where] += dy[out];
      }
  return { y, avg, dxMax, dxAvg };
}

describe('Pooling', () => {
  const geoms: ConvGeometry[] = [
    geometry({ batch: 2, inChannels: 3, inH: 6, inW: 6, kH: 2, kW: 2, stride: [2, 2] }),
    geometry({
      batch: 1,
      inChannels: 2,
      inH: 7,
      inW: 5,
      kH: 3,
      kW: 3,
      stride: [2, 2],
      pad: [1, 1, 1, 1],
    }),
    geometry({
      batch: 1,
      inChannels: 1,
      inH: 5,
      inW: 8,
      kH: 3,
      kW: 2,
      stride: [1, 3],
      pad: [1, 0, 0, 1],
    }),
    geometry({
      batch: 2,
      inChannels: 2,
      inH: 4,
      inW: 4,
      kH: 3,
      kW: 3,
      stride: [1, 1],
      pad: [1, 1, 1, 1],
    }),
    geometry({ batch: 1, inChannels: 1, inH: 1, inW: 1, kH: 1, kW: 1 }),
  ];

  it.each(geoms.map((g, i) => [i, g] as const))(
    'geometry %i: max/avg forward and backward',
    (_i, g) => {
      const b = testBackend();
      const xs = [g.batch, g.inChannels, g.inH, g.inW];
      const ys = [g.batch, g.inChannels, g.outH, g.outW];
      const xv = randF32(
        xs.reduce((p, q) => p * q, 1),
        2,
      );
      // Ties: quantise so equal maxima occur and the first-maximum rule matters. Negative values
      // make sure padding (never a candidate) does not act as a 0.
      for (let i = 0; i < xv.length; i++) xv[i] = Math.round(xv[i] * 2) / 2 - 1;
      const dyv = randF32(
        ys.reduce((p, q) => p * q, 1),
        3,
      );
      const ref = poolRef(g, xv, dyv);
      const x = put(b, xv, xs);
      const dy = put(b, dyv, ys);
      expectClose(run(b, 'MaxPool', { x, geom: g }), ref.y, 0);
      expectClose(run(b, 'MaxPoolBackward', { x, dy, geom: g }), ref.dxMax);
      expectClose(run(b, 'AvgPool', { x, geom: g }), ref.avg);
      expectClose(run(b, 'AvgPoolBackward', { dy, geom: g }), ref.dxAvg);
      b.disposeData(x.dataId);
      b.disposeData(dy.dataId);
      expect(b.memory().numBytes).toBe(0);
    },
  );

  it('routes a tie to the first maximum in row-major window order', () => {
    const b = testBackend();
    const g = geometry({ batch: 1, inChannels: 1, inH: 2, inW: 2, kH: 2, kW: 2 });
    const x = put(b, new Float32Array([1, 5, 5, 5]), [1, 1, 2, 2]);
    const dy = put(b, new Float32Array([1]), [1, 1, 1, 1]);
    expect([...run(b, 'MaxPoolBackward', { x, dy, geom: g })]).toEqual([0, 1, 0, 0]);
  });
});
