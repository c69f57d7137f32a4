/** Memory: reference-counted buffers, tidy, keep, dispose, use after dispose, memory(). */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from './backend/registry.js';
import { dispose, keep, memory, tidy } from './engine.js';
import { ArgumentError, DisposedTensorError } from './errors.js';
import { add, mul } from './ops/binary.js';
import { tensor, zeros } from './ops/creation.js';
import { reshape } from './ops/reshape.js';
import { relu } from './ops/unary.js';
import { registerReferenceBackend } from './testing/reference-backend.js';
import type { Tensor } from './tensor.js';

beforeAll(async () => {
  registerReferenceBackend();
  await setBackend('reference');
});

describe('memory()', () => {
  it('counts tensors and bytes, per backend too, and shared buffers once', () => {
    const m0 = memory();
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const v = reshape(x, [2, 3]);
    const m1 = memory();
    expect(m1.numTensors - m0.numTensors).toBe(2);
    expect(m1.numDataBuffers - m0.numDataBuffers).toBe(1);
    expect(m1.numBytes - m0.numBytes).toBe(24);
    expect(m1.backends.reference.numTensors - (m0.backends.reference?.numTensors ?? 0)).toBe(2);
    // the reference stores float32 tensors as float64: the backend reports its own bytes
    expect(m1.backends.reference.backendBytes).toBeGreaterThanOrEqual(48);
    x.dispose();
    expect(v.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]); // the view keeps the buffer alive
    expect(memory().numDataBuffers - m0.numDataBuffers).toBe(1);
    v.dispose();
    const m2 = memory();
    expect([m2.numTensors, m2.numDataBuffers, m2.numBytes]).toEqual([
      m0.numTensors,
      m0.numDataBuffers,
      m0.numBytes,
    ]);
  });
});

describe('tidy, keep, dispose', () => {
  it('tidy frees everything but what fn returns (also in arrays and objects)', () => {
    const before = memory().numTensors;
    const out = tidy(() => {
      const a = tensor([1, 2]);
      const b = add(a, 1);
      const c = mul(b, b);
      return { pair: [b, c], n: 3 };
    });
    expect(memory().numTensors).toBe(before + 2);
    expect(out.pair[1].dataSync()).toEqual(new Float32Array([4, 9]));
    dispose(out);
    expect(memory().numTensors).toBe(before);
  });

  it('nested tidy moves returned tensors to the enclosing scope', () => {
    const before = memory().numTensors;
    let inner: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => relu(tensor([-1, 1])));
      return add(inner, 1);
    });
    expect(inner?.isDisposed).toBe(true); // returned from the inner scope, freed by the outer
    expect(memory().numTensors).toBe(before + 1);
    outer.dispose();
  });

  it('keep exempts a tensor from every enclosing tidy', () => {
    const before = memory().numTensors;
    let kept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(zeros([3]));
        zeros([2]);
      });
    });
    expect(kept?.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before + 1);
    kept?.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('dispose twice is harmless; use after dispose is a clear error', async () => {
    const x = tensor([[1, 2]]);
    dispose([x, x]);
    x.dispose();
    expect(() => relu(x)).toThrow(DisposedTensorError);
    expect(() => relu(x)).toThrow(
      /relu \(argument 'x'\): tensor #\d+ \(shape \[1, 2\], float32\) was disposed.*keep\(\)/,
    );
    await expect(x.data()).rejects.toThrow(DisposedTensorError);
    expect(() => x.arraySync()).toThrow(/dataSync: tensor/);
    expect(String(x)).toMatch(/disposed/);
  });

  it('tidy refuses an async function and still cleans up', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy((() => {
        tensor([1]);
        return Promise.resolve();
      }) as unknown as () => void),
    ).toThrow(ArgumentError);
    expect(memory().numTensors).toBe(before);
  });
});

describe('Tensor reading', () => {
  it('data, dataSync, array, arraySync agree', async () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      'int32',
    );
    expect(await x.data()).toEqual(new Int32Array([1, 2, 3, 4, 5, 6]));
    expect(await x.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tidy(() => tensor(2.5)).arraySync()).toBe(2.5);
    expect(x.rank).toBe(2);
    expect(x.size).toBe(6);
    x.dispose();
  });
});
