/**
 * The onnxruntime peer is only a fair comparison if its hand-written ONNX graphs compute what
 * Tessera computes: run the LeNet graph with a Tessera model's weights and compare the logits
 * (onnxruntime is the independent reference here), then time every quick case once.
 */
import * as ort from 'onnxruntime-node';
import { noGrad, randomNormal, setBackend } from '@tessera/core';
import '@tessera/backend-cpu';
import { lenet } from '@tessera/layers';
import { describe, expect, it } from 'vitest';
import { quickCases } from './cases.js';
import { lenetGraph, onnxruntimeContender } from './onnxruntime-contender.js';
import { onnxModel } from './onnx-model.js';

describe('onnxruntime peer', () => {
  it('its LeNet graph gives the logits of @tessera/layers lenet with the same weights', async () => {
    await setBackend('cpu');
    const model = lenet({ seed: 3 });
    const x = randomNormal([4, 1, 28, 28], 0, 1, { seed: 9 });
    const logits = noGrad(() => model.forward(x));
    const state = model.stateDict();
    const names = Object.keys(state);
    expect(names).toHaveLength(8); // conv1, conv2, fc1, fc2: weight and bias each, in layer order
    const weights = names.map((n) => state[n].dataSync() as Float32Array);
    const session = await ort.InferenceSession.create(onnxModel(lenetGraph(4, weights)));
    const out = await session.run({
      X: new ort.Tensor('float32', x.dataSync() as Float32Array, [4, 1, 28, 28]),
    });
    const theirs = out.Y.data as Float32Array;
    const ours = logits.dataSync();
    expect(theirs.length).toBe(40);
    for (let i = 0; i < 40; i++) expect(ours[i]).toBeCloseTo(theirs[i], 4);
    await session.release();
    model.dispose();
    x.dispose();
    logits.dispose();
  });

  it('prepares and runs every forward quick case, and declines the training ones', async () => {
    const peer = await onnxruntimeContender();
    if (typeof peer === 'string') throw new Error(peer);
    for (const c of quickCases()) {
      const p = await peer.prepare(c);
      const forward = c.kind !== 'convTrain' && c.kind !== 'lenetStep';
      expect(p !== undefined, c.name).toBe(forward);
      if (p) {
        await p.run(2);
        p.dispose();
      }
    }
  });
});
