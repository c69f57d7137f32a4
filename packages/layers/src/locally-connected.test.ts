import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, memory, tensor, zeros } from '@tessera/core';
import { LocallyConnected2d } from './locally-connected.js';
import { expectClose, host, randomArray } from './test/helpers.js';

describe('LocallyConnected2d', () => {
  it('uses a separate filter per output position (naive loop), plus a per-position bias', async () => {
    const [n, c, h, w, o, k] = [2, 2, 5, 4, 3, 2];
    const layer = new LocallyConnected2d(c, o, k, {
      inputSize: [h, w],
      stride: 1,
      padding: 0,
      seed: 2,
    });
    const [oh, ow] = layer.outputSize;
    expect([oh, ow]).toEqual([4, 3]);
    const xv = randomArray(n * c * h * w, 11);
    const x = tensor(xv, [n, c, h, w]);
    const wv = await host(layer.parameters()[0]);
    const bv = Array.from(randomArray(o * oh * ow, 12));
    layer.setParameter('bias', tensor(bv, [o, oh, ow]));
    const y = layer.forward(x);
    expect(y.shape).toEqual([n, o, oh, ow]);
    const expected: number[] = [];
    for (let b = 0; b < n; b++)
      for (let f = 0; f < o; f++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            let s = bv[(f * oh + i) * ow + j];
            for (let ch = 0; ch < c; ch++)
              for (let u = 0; u < k; u++)
                for (let v = 0; v < k; v++) {
                  const wi = ((((i * ow + j) * o + f) * c + ch) * k + u) * k + v;
                  s += xv[((b * c + ch) * h + i + u) * w + j + v] * wv[wi];
                }
            expected.push(s);
          }
    expectClose(await host(y), expected, 1e-5);
    x.dispose();
    y.dispose();
    layer.dispose();
  });

  it('has outH*outW times the weights of the shared conv, and builds huge ones without allocating', () => {
    const before = memory().numBytes;
    const lc = new LocallyConnected2d(1, 1, 10, {
      inputSize: [200, 200],
      padding: 'same',
      bias: false,
    });
    expect(lc.parameterInfo()[0].shape).toEqual([200, 200, 1, 1, 10, 10]);
    expect(lc.numParameters()).toBe(4_000_000);
    expect(memory().numBytes).toBe(before);
  });

  it('requires inputSize and checks the input against it', () => {
    expect(() => new LocallyConnected2d(1, 1, 3, {} as never)).toThrow(ArgumentError);
    const lc = new LocallyConnected2d(2, 4, 3, { inputSize: [8, 8], name: 'local1' });
    const x = zeros([1, 2, 9, 8]);
    expect(() => lc.forward(x)).toThrow(ShapeError);
    expect(() => lc.forward(x)).toThrow(
      "LocallyConnected2d 'local1': expected input [N, 2, 8, 8], got [1, 2, 9, 8]",
    );
    x.dispose();
  });
});
