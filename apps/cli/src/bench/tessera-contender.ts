/** Times Tessera ops on one backend. Inputs are seeded so every backend sees the same data. */
import * as ts from '@tessera/core';
import type { BenchCase } from './cases.js';
import type { Contender, PreparedCase } from './contender.js';

export function tesseraContender(backendName: string): Contender {
  return {
    name: backendName,
    isPeer: false,
    async prepare(c: BenchCase): Promise<PreparedCase | undefined> {
      await ts.setBackend(backendName);
      const inputs: ts.Tensor[] = [];
      const input = (shape: readonly number[], seed: number) => {
        const t = ts.randomNormal(shape, 0, 1, { seed });
        inputs.push(t);
        return t;
      };
      let step: () => ts.Tensor[];
      if (c.matmul) {
        const a = input([c.matmul.n, c.matmul.n], 1);
        const b = input([c.matmul.n, c.matmul.n], 2);
        step = () => [ts.matmul(a, b)];
      } else if (c.conv) {
        const s = c.conv;
        const x = input(s.x, 3);
        const w = input(s.w, 4);
        const options = { padding: s.pad };
        if (c.kind === 'conv') step = () => [ts.conv2d(x, w, options)];
        else {
          const f = ts.valueAndGrad((xi, wi) => ts.sum(ts.conv2d(xi, wi, options)));
          step = () => {
            const { value, grads } = f(x, w);
            return [value, ...grads];
          };
        }
      } else if (c.elementwise) {
        const a = input([c.elementwise.size], 5);
        const b = input([c.elementwise.size], 6);
        step = c.elementwise.op === 'relu' ? () => [ts.relu(a)] : () => [ts.add(a, b)];
      } else return undefined;
      return {
        async run(times) {
          for (let i = 0; i < times; i++) {
            const outs = step();
            // Backends may queue work; reading the last result waits for everything before it.
            if (i === times - 1) await outs[0].data();
            ts.dispose(outs);
          }
        },
        dispose() {
          ts.dispose(inputs);
        },
      };
    },
  };
}
