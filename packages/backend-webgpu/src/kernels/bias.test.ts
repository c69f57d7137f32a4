import { afterAll, describe, it } from 'vitest';
import { expectClose, f32, openBackend, random, tensor, values } from '../test/harness.js';

const be = await openBackend();
afterAll(() => be?.destroy());

describe.skipIf(!be)('BiasAdd', () => {
  const b = be!;
  for (const [outer, channels, inner] of [
    [4, 10, 1],
    [2, 3, 25],
    [1, 1, 7],
  ]) {
    for (const relu of [false, true]) {
      it(`[${outer}, ${channels}, ${inner}]${relu ? ' + relu' : ''}`, async () => {
        const x = random(outer * channels * inner, channels, -2, 2).map(f32);
        const bias = random(channels, inner).map(f32);
        const y = b.kernels.BiasAdd!({
          x: tensor(b, x, [outer, channels, inner]),
          bias: tensor(b, bias, [channels]),
          outer,
          channels,
          inner,
          relu,
        });
        const expected = x.map((v, i) => {
          const s = v + bias[Math.floor(i / inner) % channels];
          return relu ? Math.max(s, 0) : s;
        });
        expectClose(await values(b, y), expected, 1e-6);
      });
    }
  }
});
