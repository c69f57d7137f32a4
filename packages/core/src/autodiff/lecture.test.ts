/**
 * The lecture's facts about backprop, as tests on the reference backend. Expected values come
 * from naive loops written here, never from the code under test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/registry.js';
import { memory, tidy } from '../engine.js';
import { ShapeError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { argmax, mean, sum } from '../ops/reduce.js';
import { cast } from '../ops/cast.js';
import { matmul } from '../ops/matmul.js';
import { mul, sub } from '../ops/binary.js';
import { relu, tanh } from '../ops/unary.js';
import { randomNormal } from '../random.js';
import { registerReferenceBackend } from '../testing/reference-backend.js';
import { grad, noGrad, valueAndGrad, vjp } from './grad.js';
import { jacobian } from './jacobian.js';

beforeAll(async () => {
  registerReferenceBackend();
  await setBackend('reference');
});

describe('Jacobians and vector-Jacobian products', () => {
  it('the Jacobian of relu is diagonal with entries 1[x > 0]', async () => {
    const xs = [0.5, -1.25, 2, -0.01, 3.5, -7];
    const x = tensor(xs);
    const J = await jacobian(relu, x);
    expect(J.shape).toEqual([6, 6]);
    const j = J.dataSync();
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) expect(j[r * 6 + c]).toBe(r === c && xs[r] > 0 ? 1 : 0);
    }
    J.dispose();
    x.dispose();
  });

  it('for y = W x, dL/dW is the outer product of dL/dy and x', () => {
    const W = randomNormal([4, 3], 0, 1, { seed: 1 });
    const x = randomNormal([3, 1], 0, 1, { seed: 2 });
    const dy = randomNormal([4, 1], 0, 1, { seed: 3 });
    const { value, grads } = vjp((w, v) => matmul(w, v), [W, x], dy);
    const g = grads[0].dataSync();
    const dyv = dy.dataSync();
    const xv = x.dataSync();
    for (let i = 0; i < 4; i++)
      for (let k = 0; k < 3; k++) expect(g[i * 3 + k]).toBeCloseTo(dyv[i] * xv[k], 6);
    // and dL/dx = W^T dL/dy
    const wv = W.dataSync();
    const gx = grads[1].dataSync();
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += wv[i * 3 + k] * dyv[i];
      expect(gx[k]).toBeCloseTo(s, 6);
    }
    [W, x, dy, value, ...grads].forEach((t) => t.dispose());
  });

  it('the VJP equals v^T J with the explicit Jacobian', async () => {
    const W = randomNormal([3, 5], 0, 1, { seed: 4 });
    const f = (v: ReturnType<typeof tensor>) => tanh(matmul(W, v));
    const x = randomNormal([5, 1], 0, 1, { seed: 5 });
    const v = randomNormal([3, 1], 0, 1, { seed: 6 });
    const J = await jacobian(f, x); // [3, 1, 5, 1]
    expect(J.shape).toEqual([3, 1, 5, 1]);
    const { value, grads } = vjp(f, [x], v);
    const jv = J.dataSync();
    const vv = v.dataSync();
    const g = grads[0].dataSync();
    for (let k = 0; k < 5; k++) {
      let s = 0;
      for (let i = 0; i < 3; i++) s += vv[i] * jv[i * 5 + k];
      expect(g[k]).toBeCloseTo(s, 6);
    }
    [W, x, v, J, value, ...grads].forEach((t) => t.dispose());
  });

  it('jacobian refuses a 4096-unit relu and says why', async () => {
    const x = randomNormal([4096], 0, 1, { seed: 7 });
    const before = memory().numTensors;
    const err = await jacobian(relu, x).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toMatch(
      /jacobian: .*\[4096\].*16,777,216 entries, over the limit of 1,000,000/,
    );
    expect((err as Error).message).toMatch(/maxElements.*use grad or vjp/);
    expect(memory().numTensors).toBe(before);
    // The limit can be raised (a small one here, to keep the test fast).
    const small = tensor([1, -1, 2]);
    await expect(jacobian(relu, small, { maxElements: 8 })).rejects.toThrow(
      /9 entries, over the limit of 8/,
    );
    const J = await jacobian(relu, small, { maxElements: 9 });
    expect(J.shape).toEqual([3, 3]);
    [x, small, J].forEach((t) => t.dispose());
  });
});

describe('tape memory', () => {
  it('after grad returns, only the returned gradients are alive', () => {
    const W1 = randomNormal([8, 4], 0, 1, { seed: 8 });
    const W2 = randomNormal([1, 8], 0, 1, { seed: 9 });
    const x = randomNormal([4, 3], 0, 1, { seed: 10 });
    const before = memory();
    const grads = grad((w1, w2) => sum(matmul(w2, relu(matmul(w1, x)))))(W1, W2);
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors + 2);
    expect(after.numBytes).toBe(before.numBytes + (8 * 4 + 1 * 8) * 4);
    grads.forEach((g) => g.dispose());
    expect(memory().numTensors).toBe(before.numTensors);
    [W1, W2, x].forEach((t) => t.dispose());
  });

  it('valueAndGrad keeps the value and the gradients only; a throwing f leaks nothing', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const { value, grads } = valueAndGrad((v) => sum(mul(v, v)))(x);
    expect(memory().numTensors).toBe(before + 2);
    expect(value.dataSync()[0]).toBe(14);
    expect([...grads[0].dataSync()]).toEqual([2, 4, 6]);
    [value, ...grads].forEach((t) => t.dispose());
    expect(() => grad((v) => relu(v))(x)).toThrow(ShapeError);
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('f returning its own input gives gradient 1 and leaves the input alive', () => {
    const x = tensor(3);
    const [g] = grad((v) => v)(x);
    expect(g.dataSync()[0]).toBe(1);
    expect(x.isDisposed).toBe(false);
    g.dispose();
    x.dispose();
  });

  it('grad inside noGrad still differentiates its own function', () => {
    const x = tensor([1, -2]);
    const [g] = noGrad(() => grad((v) => sum(mul(v, v)))(x));
    expect([...g.dataSync()]).toEqual([2, -4]);
    [g, x].forEach((t) => t.dispose());
  });

  it('non-differentiable paths (argmax, int32) give zero gradient, never garbage', () => {
    const x = tensor([
      [1, 5, 2],
      [7, 0, 3],
    ]);
    const [g] = grad((v) => sum(mul(v, cast(argmax(v, 1, true), 'float32'))))(x);
    // d/dv sum(v * const) broadcast: row r gets argmax index of row r.
    expect(g.arraySync()).toEqual([
      [1, 1, 1],
      [0, 0, 0],
    ]);
    [g, x].forEach((t) => t.dispose());
  });
});

describe('a 2-layer net f = W2 relu(W1 x) learns by plain gradient descent', () => {
  it('drives the squared loss on a synthetic regression problem down by over 90%', () => {
    // Targets from a fixed random "teacher" net of the same form; 32 examples of 4 features.
    const X = randomNormal([4, 32], 0, 1, { seed: 11 });
    const Y = tidy(() =>
      matmul(
        randomNormal([1, 6], 0, 1, { seed: 12 }),
        relu(matmul(randomNormal([6, 4], 0, 1, { seed: 13 }), X)),
      ),
    );
    let W1 = randomNormal([16, 4], 0, 0.5, { seed: 14 });
    let W2 = randomNormal([1, 16], 0, 0.25, { seed: 15 });
    const before = memory().numTensors;
    const step = valueAndGrad((w1, w2) => {
      const err = sub(matmul(w2, relu(matmul(w1, X))), Y);
      return mean(mul(err, err));
    });
    const losses: number[] = [];
    const lr = 0.05;
    for (let i = 0; i < 200; i++) {
      const { value, grads } = step(W1, W2);
      losses.push(value.dataSync()[0]);
      const next = tidy(() =>
        noGrad(() => [sub(W1, mul(grads[0], lr)), sub(W2, mul(grads[1], lr))]),
      );
      [value, ...grads, W1, W2].forEach((t) => t.dispose());
      [W1, W2] = next;
    }
    expect(memory().numTensors).toBe(before); // nothing leaks per step
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.1 * losses[0]);
    [X, Y, W1, W2].forEach((t) => t.dispose());
  });
});
