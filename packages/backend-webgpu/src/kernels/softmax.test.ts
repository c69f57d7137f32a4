import { afterAll, describe, it } from 'vitest';
import {
  expectClose,
  f32,
  openBackend,
  random,
  randomInts,
  tensor,
  values,
} from '../test/harness.js';
import { logSumExp, rows } from '../test/naive.js';

const be = await openBackend();
afterAll(() => be?.destroy());

// [rows, size]: short rows (one invocation per row) and long rows (one workgroup per row).
const SHAPES: [number, number][] = [
  [5, 10],
  [3, 1],
  [4, 300],
  [70, 33],
];

describe.skipIf(!be)('softmax family', () => {
  const b = be!;
  for (const [n, k] of SHAPES) {
    // Large logits check that the row maximum is subtracted before exponentiating.
    const x = random(n * k, n + k, -50, 50).map(f32);
    const expRows = rows(x, k);
    const labels = randomInts(n, 3, 0, k);
    labels[0] = k; // out of range: NaN loss and gradient row
    const dy = random(n, 9).map(f32);

    it(`Softmax and LogSoftmax [${n}, ${k}]`, async () => {
      const sm = b.kernels.Softmax!({ x: tensor(b, x, [n, k]), outer: n, size: k });
      expectClose(
        await values(b, sm),
        expRows.flatMap((r) => r.map((v) => Math.exp(v - logSumExp(r)))),
        1e-5,
      );
      const lsm = b.kernels.LogSoftmax!({ x: tensor(b, x, [n, k]), outer: n, size: k });
      expectClose(
        await values(b, lsm),
        expRows.flatMap((r) => r.map((v) => v - logSumExp(r))),
        1e-5,
      );
    });

    it(`SoftmaxCrossEntropy and its gradient [${n}, ${k}], one label out of range`, async () => {
      const loss = b.kernels.SoftmaxCrossEntropy!({
        logits: tensor(b, x, [n, k]),
        labels: tensor(b, labels, [n], 'int32'),
      });
      const expectedLoss = expRows.map((r, i) =>
        labels[i] < k ? logSumExp(r) - r[labels[i]] : NaN,
      );
      expectClose(await values(b, loss), expectedLoss, 1e-5);
      const grad = b.kernels.SoftmaxCrossEntropyGrad!({
        logits: tensor(b, x, [n, k]),
        labels: tensor(b, labels, [n], 'int32'),
        dy: tensor(b, dy, [n]),
      });
      const expectedGrad = expRows.flatMap((r, i) =>
        r.map((v, j) =>
          labels[i] < k ? (Math.exp(v - logSumExp(r)) - (j === labels[i] ? 1 : 0)) * dy[i] : NaN,
        ),
      );
      expectClose(await values(b, grad), expectedGrad, 1e-5);
    });
  }
});
