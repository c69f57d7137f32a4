/** Optimiser math against hand-written float64 updates (PyTorch's formulas), several steps. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, memory, tensor, type Tensor } from '@tessera/core';
import { SGD } from './sgd.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { Linear } from '../linear.js';
import { expectClose, host } from '../test/helpers.js';

const P0 = [0.5, -1.25, 2, 0.1];
const GRADS = [
  [0.1, -0.2, 0.3, 0],
  [-0.4, 0.05, 0.3, 1],
  [0.2, 0.2, -0.1, -2],
];

/** Run `opt` over the three gradient steps on one parameter; returns its values after each. */
async function run(opt: Optimizer): Promise<number[][]> {
  let p: Tensor = tensor(P0, [4]);
  const out: number[][] = [];
  for (const g of GRADS) {
    const gt = tensor(g, [4]);
    const [[, next]] = opt.apply([['w', p]], [gt]);
    gt.dispose(); // the optimiser must not depend on the caller keeping the gradient
    p.dispose();
    p = next;
    out.push(await host(p));
  }
  p.dispose();
  opt.dispose();
  return out;
}

function sgdReference(lr: number, momentum: number, wd: number, nesterov: boolean): number[][] {
  const p = [...P0];
  const v = [0, 0, 0, 0];
  return GRADS.map((g, t) => {
    for (let i = 0; i < 4; i++) {
      const d = g[i] + wd * p[i];
      v[i] = t === 0 ? d : momentum * v[i] + d;
      const step = momentum === 0 ? d : nesterov ? d + momentum * v[i] : v[i];
      p[i] -= lr * step;
    }
    return [...p];
  });
}

function adamReference(lr: number, b1: number, b2: number, eps: number, wd: number): number[][] {
  const p = [...P0];
  const m = [0, 0, 0, 0];
  const v = [0, 0, 0, 0];
  return GRADS.map((g, k) => {
    const t = k + 1;
    for (let i = 0; i < 4; i++) {
      const d = g[i] + wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * d;
      v[i] = b2 * v[i] + (1 - b2) * d * d;
      const mhat = m[i] / (1 - b1 ** t);
      const vhat = v[i] / (1 - b2 ** t);
      p[i] -= (lr * mhat) / (Math.sqrt(vhat) + eps);
    }
    return [...p];
  });
}

describe('optimisers', () => {
  it('plain SGD: p - lr * g', async () => {
    const got = await run(new SGD(0.1));
    expect(got[0][0]).toBeCloseTo(0.5 - 0.1 * 0.1, 6);
    got.forEach((row, i) => expectClose(row, sgdReference(0.1, 0, 0, false)[i], 1e-6));
  });

  it('SGD with momentum, weight decay and Nesterov', async () => {
    for (const [mom, wd, nest] of [
      [0.9, 0, false],
      [0.9, 0.01, false],
      [0.5, 0.1, true],
    ] as const) {
      const got = await run(new SGD(0.05, { momentum: mom, weightDecay: wd, nesterov: nest }));
      const ref = sgdReference(0.05, mom, wd, nest);
      got.forEach((row, i) => expectClose(row, ref[i], 1e-6));
    }
  });

  it('Adam, with bias correction, with and without weight decay', async () => {
    for (const wd of [0, 0.05]) {
      const got = await run(new Adam(0.01, { weightDecay: wd }));
      const ref = adamReference(0.01, 0.9, 0.999, 1e-8, wd);
      got.forEach((row, i) => expectClose(row, ref[i], 1e-5));
    }
    // The first Adam step moves every coordinate with a nonzero gradient by about lr.
    const first = (await run(new Adam(0.01)))[0];
    expect(Math.abs(first[0] - P0[0])).toBeCloseTo(0.01, 6);
    expect(first[3]).toBeCloseTo(P0[3], 7); // zero gradient: no move
  });

  it('step(model, grads) swaps parameters in and keeps memory flat', () => {
    const layer = new Linear(3, 2, { seed: 1 });
    const opt = new SGD(0.1, { momentum: 0.9 });
    const grads = () =>
      layer.parameters().map((p) => tensor(new Float32Array(p.size).fill(1), p.shape));
    const g0 = grads();
    opt.step(layer, g0);
    g0.forEach((g) => g.dispose());
    const live = memory();
    for (let i = 0; i < 5; i++) {
      const g = grads();
      opt.step(layer, g);
      g.forEach((t) => t.dispose());
    }
    expect(memory().numTensors).toBe(live.numTensors);
    expect(memory().numBytes).toBe(live.numBytes);
    expect(opt.stateSize).toBe(2);
    opt.dispose();
    layer.dispose();
  });

  it('rejects bad hyperparameters and mismatched gradients', () => {
    expect(() => new SGD(-1)).toThrow(ArgumentError);
    expect(() => new SGD(0.1, { momentum: 1 })).toThrow(/momentum/);
    expect(() => new SGD(0.1, { nesterov: true })).toThrow(/nesterov/);
    expect(() => new Adam(0.1, { beta1: 1 })).toThrow(/beta1/);
    const p = tensor([1, 2], [2]);
    const g = tensor([1, 2, 3], [3]);
    expect(() => new SGD(0.1).apply([['w', p]], [g])).toThrow(ShapeError);
    expect(() => new SGD(0.1).apply([['w', p]], [])).toThrow(/1 parameters/);
    p.dispose();
    g.dispose();
  });
});
