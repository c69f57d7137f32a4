/**
 * Every differentiable op's VJP against float64 central differences, on the reference backend
 * with core's composites (fused: false) and with the direct-loop fused kernels (fused: true).
 * The conformance suite then only has to show that a backend's gradients match the reference.
 */
import { describe, expect, it } from 'vitest';
import { record } from '../autodiff/tape.js';
import { memory } from '../engine.js';
import { runKernel } from '../ops/dispatch.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';
import { BoundContext, seedOf } from './cases/context.js';
import { gradCases } from './cases/index.js';
import { assertGradClose, gradcheck } from './gradcheck.js';
import { createReferenceBackend, readFloat64, tensorFloat64 } from './reference-backend.js';

for (const fused of [false, true]) {
  describe(`gradcheck on the reference backend (fused: ${fused})`, () => {
    const backend = createReferenceBackend({ fused });
    for (const c of gradCases()) {
      if (c.notFiniteDifferences) {
        it.skip(`${c.name} (${c.notFiniteDifferences})`, () => {});
        continue;
      }
      it(c.name, () => {
        const before = memory().numTensors;
        const ctx = new BoundContext(backend, seedOf(c.name));
        const { xs, f } = c.make(ctx);
        const report = assertGradClose(f, xs);
        expect(report.maxAbsError).toBeLessThan(1e-6);
        ctx.disposeAll();
        expect(memory().numTensors).toBe(before);
      });
    }
  });
}

/** x^2 with a deliberately wrong VJP (forgets the factor 2). */
function badSquare(x: Tensor): Tensor {
  const y = runKernel(x.backend, 'Unary', { op: 'square', x }, x.shape, 'float32');
  record('badSquare', [x], y, [x], (dy, [xs]) => [mul(dy, xs)]);
  return y;
}

describe('gradcheck itself', () => {
  const backend = createReferenceBackend();

  it('fails on a wrong VJP and names the worst element', () => {
    const x = tensorFloat64(backend, [0.5, -1.5, 2], [3]);
    const report = gradcheck(badSquare, [x]);
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(
      /gradcheck failed at input 0 element \[\d\]: analytic .* vs numeric /,
    );
    const { analytic, numeric } = report.inputs[0];
    analytic.forEach((a, i) => expect(numeric[i]).toBeCloseTo(2 * a, 6));
    expect(() => assertGradClose(badSquare, [x])).toThrow(/gradcheck failed/);
    x.dispose();
  });

  it('accepts host values and reports both sides', () => {
    const report = gradcheck(
      (a, b) => sum(mul(a, b)),
      [
        { values: [1, 2, 3], shape: [3] },
        { values: [4, 5, 6], shape: [3] },
      ],
    );
    expect(report.ok).toBe(true);
    // d/da sum(a*b) * r = b * r for the scalar output (r is the fixed random cotangent).
    const r = report.inputs[0].analytic[0] / 4;
    expect([...report.inputs[0].analytic].map((v) => v / r)).toEqual(
      [4, 5, 6].map((v) => expect.closeTo(v, 9)),
    );
    expect([...report.inputs[1].numeric].map((v) => v / r)).toEqual(
      [1, 2, 3].map((v) => expect.closeTo(v, 6)),
    );
  });

  it('runs in float64: a 1e-6 step resolves a curvature float32 could not', () => {
    const x = tensorFloat64(backend, [1 + 1e-9], [1]);
    expect(readFloat64(x)[0]).toBe(1 + 1e-9);
    expect(gradcheck((v) => mul(v, mul(v, v)), [x]).ok).toBe(true);
    x.dispose();
  });
});
