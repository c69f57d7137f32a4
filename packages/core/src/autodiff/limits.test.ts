/** What autodiff refuses, loudly: nested tracing and lossy int32 arithmetic. */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/registry.js';
import { memory } from '../engine.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { registerReferenceBackend } from '../testing/reference-backend.js';
import { grad } from './grad.js';

beforeAll(async () => {
  registerReferenceBackend();
  await setBackend('reference');
});

describe('autodiff limits', () => {
  it('refuses grad of grad instead of returning an incomplete gradient', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const inner = (t: typeof x) => sum(grad((u) => sum(mul(u, u)))(t)[0]);
    expect(() => grad(inner)(x)).toThrow(ArgumentError);
    expect(() => grad(inner)(x)).toThrow(/higher-order gradients/);
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses an int32 tensor combined with a fractional number', () => {
    const i = tensor([1, 2], [2], 'int32');
    expect(() => add(i, 0.5)).toThrow(DTypeError);
    expect(() => add(i, 0.5)).toThrow(/int32 tensor with the fractional number 0.5/);
    const ok = add(i, 2);
    expect(Array.from(ok.dataSync())).toEqual([3, 4]);
    ok.dispose();
    i.dispose();
  });
});
