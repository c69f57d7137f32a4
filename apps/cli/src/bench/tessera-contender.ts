/** Times Tessera ops on one backend. Inputs are seeded so every backend sees the same data. */
import * as ts from '@tessera/core';
import { lenet, SGD, trainStep } from '@tessera/layers';
import type { BenchCase } from './cases.js';
import type { Contender, PreparedCase } from './contender.js';

/** A prepared case from a step that returns the tensors it made, and a cleanup. */
function prepared(step: () => ts.Tensor[], cleanup: () => void): PreparedCase {
  return {
    async run(times) {
      for (let i = 0; i < times; i++) {
        const outs = step();
        // Backends may queue work; reading the last result waits for everything before it.
        if (i === times - 1) await outs[0].data();
        ts.dispose(outs);
      }
    },
    dispose: cleanup,
  };
}

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
      const freeInputs = () => ts.dispose(inputs);
      if (c.matmul) {
        const a = input([c.matmul.n, c.matmul.n], 1);
        const b = input([c.matmul.n, c.matmul.n], 2);
        return prepared(() => [ts.matmul(a, b)], freeInputs);
      }
      if (c.conv) {
        const s = c.conv;
        const x = input(s.x, 3);
        const w = input(s.w, 4);
        const options = { padding: s.pad };
        if (c.kind === 'conv') return prepared(() => [ts.conv2d(x, w, options)], freeInputs);
        const f = ts.valueAndGrad((xi, wi) => ts.sum(ts.conv2d(xi, wi, options)));
        return prepared(() => {
          const { value, grads } = f(x, w);
          return [value, ...grads];
        }, freeInputs);
      }
      if (c.elementwise) {
        const a = input([c.elementwise.size], 5);
        const b = input([c.elementwise.size], 6);
        const op = c.elementwise.op;
        return prepared(() => [op === 'relu' ? ts.relu(a) : ts.add(a, b)], freeInputs);
      }
      if (c.lenet) {
        const x = input([c.lenet.batch, 1, 28, 28], 7);
        const labels = ts.tensor(Int32Array.from({ length: c.lenet.batch }, (_, i) => i % 10));
        inputs.push(labels);
        const model = lenet({ seed: 0 });
        if (c.kind === 'lenetForward') {
          model.eval();
          return prepared(
            () => [ts.noGrad(() => model.forward(x))],
            () => {
              freeInputs();
              model.dispose();
            },
          );
        }
        const optimizer = new SGD(0.01, { momentum: 0.9 });
        return prepared(
          () => [trainStep(model, optimizer, x, labels, { countCorrect: false }).loss],
          () => {
            freeInputs();
            model.dispose();
            optimizer.dispose();
          },
        );
      }
      return undefined;
    },
  };
}
