/** Class-label validation: host-known ranges, device-side checks reported on read, no leaks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/registry.js';
import { memory, tidy } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { registerReferenceBackend } from '../testing/reference-backend.js';
import { add, sub } from './binary.js';
import { randomNormal } from '../random.js';
import { tensor } from './creation.js';
import { reshape } from './reshape.js';
import { softmaxCrossEntropy } from './softmax.js';

beforeAll(async () => {
  registerReferenceBackend();
  await setBackend('reference');
});

describe('softmaxCrossEntropy label checks', () => {
  it('a view of host labels keeps their range (reshape shares the buffer)', () => {
    const logits = randomNormal([2, 3], 0, 1, { seed: 1 });
    const host = tensor(new Int32Array([0, 3]), [1, 2]);
    const labels = reshape(host, [2]);
    expect(() => softmaxCrossEntropy(logits, labels)).toThrow(/label 3 is outside \[0, 3\)/);
    for (const t of [logits, host, labels]) t.dispose();
  });

  it('device-computed bad labels fail every read, sync or async, and leak nothing', async () => {
    const before = memory().numTensors;
    const logits = randomNormal([2, 3], 0, 1, { seed: 1 });
    const labels = tidy(() => add(tensor(new Int32Array([0, 1]), [2]), 2)); // [2, 3]: one outside
    const loss = softmaxCrossEntropy(logits, labels);
    expect(() => loss.dataSync()).toThrow(ArgumentError);
    expect(() => loss.dataSync()).toThrow('1 of the 2 labels are outside [0, 3)');
    await expect(loss.data()).rejects.toThrow('1 of the 2 labels');
    for (const t of [logits, labels, loss]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('a valid device-computed label set reads normally, and the check dies with the loss', async () => {
    const before = memory().numTensors;
    const logits = randomNormal([2, 3], 0, 1, { seed: 1 });
    const labels = tidy(() => sub(tensor(new Int32Array([2, 3]), [2]), 1));
    const loss = tidy(() => softmaxCrossEntropy(logits, labels));
    expect(memory().numTensors).toBe(before + 4); // logits, labels, loss and its pending check
    expect(Number.isFinite((await loss.data())[0])).toBe(true);
    expect(memory().numTensors).toBe(before + 3); // the check was read and freed
    for (const t of [logits, labels, loss]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
