import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, memory, tensor, zeros } from '@tessera/core';
import { lenet, mlp } from './models.js';
import { Linear } from './linear.js';
import { host } from './test/helpers.js';

describe('Module', () => {
  it('initialises identically from the same seed, differently from another', async () => {
    const a = mlp({ seed: 4, hidden: 8 });
    const b = mlp({ seed: 4, hidden: 8 });
    const c = mlp({ seed: 5, hidden: 8 });
    const wa = await host(a.parameters()[0]);
    expect(await host(b.parameters()[0])).toEqual(wa);
    expect(await host(c.parameters()[0])).not.toEqual(wa);
    // initialize(seed) re-draws deterministically
    const fc1 = await host(a.parameters()[2]);
    a.initialize(77);
    const again = mlp({ seed: 1, hidden: 8 }).initialize(77);
    expect(await host(a.parameters()[2])).toEqual(await host(again.parameters()[2]));
    expect(await host(a.parameters()[2])).not.toEqual(fc1);
    for (const m of [a, b, c, again]) m.dispose();
  });

  it('He init has std sqrt(2 / fanIn); biases start at zero', async () => {
    const layer = new Linear(500, 400, { seed: 1 });
    const w = await host(layer.weight);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    expect(new Set(await host(layer.parameters()[1]))).toEqual(new Set([0]));
    layer.dispose();
  });

  it('stateDict / loadStateDict copy parameters between models by name', async () => {
    const src = lenet({ seed: 1 });
    const dst = lenet({ seed: 2 });
    const state = src.stateDict();
    expect(Object.keys(state)).toEqual(src.parameterInfo().map((p) => p.name));
    dst.loadStateDict(state);
    for (const t of Object.values(state)) t.dispose(); // the dict is the caller's
    const a = src.namedParameters();
    const b = dst.namedParameters();
    for (let i = 0; i < a.length; i++) expect(await host(b[i][1])).toEqual(await host(a[i][1]));
    src.dispose();
    dst.dispose();
  });

  it('loadStateDict validates names and shapes before changing anything', async () => {
    const m = new Linear(3, 2, { seed: 1, name: 'fc' });
    const before = await host(m.weight);
    const w = zeros([2, 3]);
    const wrong = zeros([3, 2]);
    const b = zeros([2]);
    expect(() => m.loadStateDict({ weight: w })).toThrow("missing 'bias'");
    expect(() => m.loadStateDict({ weight: w, bias: b, extra: b })).toThrow("unexpected 'extra'");
    expect(() => m.loadStateDict({ weight: wrong, bias: b })).toThrow(ShapeError);
    expect(() => m.loadStateDict({ weight: wrong, bias: b })).toThrow(
      "'weight' has shape [3, 2], expected [2, 3]",
    );
    expect(await host(m.weight)).toEqual(before);
    m.loadStateDict({ weight: w }, { strict: false });
    expect(await host(m.weight)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const t of [w, wrong, b]) t.dispose();
    m.dispose();
  });

  it('setParameter checks the name, shape and dtype and disposes the replaced tensor', () => {
    const m = mlp({ seed: 1, hidden: 4 });
    m.parameters();
    const live = memory().numTensors;
    expect(() => m.setParameter('fc9.weight', zeros([1]))).toThrow(ArgumentError);
    expect(() => m.setParameter('fc1.weight', tensor([1, 2]))).toThrow('must be [4, 784], got [2]');
    expect(() => m.setParameter('fc1.bias', zeros([4], 'int32'))).toThrow('must be float32');
    const cleanup = memory().numTensors - live;
    m.setParameter('fc1.bias', zeros([4]));
    expect(memory().numTensors).toBe(live + cleanup);
    m.dispose();
  });

  it('train() and eval() switch the mode of every child', () => {
    const m = lenet();
    expect(m.training).toBe(true);
    m.eval();
    expect(m.layers.every((l) => !l.training)).toBe(true);
    m.train();
    expect(m.layers.every((l) => l.training)).toBe(true);
  });
});
