/**
 * train / eval / summary end to end through `main`, on tiny settings (a linear model, a few
 * hundred examples) on the CPU backend; TESSERA_TEST_BACKEND=reference-fused (or another
 * backend name) runs them elsewhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReferenceBackend } from '@tessera/core/testing';
import { decodeSafetensors } from '@tessera/layers';
import { cli } from '../test/cli.js';

const testBackend = process.env.TESSERA_TEST_BACKEND;
if (testBackend?.startsWith('reference'))
  registerReferenceBackend({ fused: testBackend === 'reference-fused' });
// Pinned (default cpu): the best available backend differs between machines.
const backendArgs = ['--backend', testBackend ?? 'cpu'];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An IDX file: magic 00 00 08 rank, big-endian dims, uint8 body. */
function idxBytes(dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  out.set([0, 0, 8, dims.length]);
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

describe('tessera train / eval / summary', () => {
  it('rejects an unknown option, naming it and the known ones', async () => {
    const r = await cli('train', '--epoch', '3');
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--epoch'");
    expect(r.err).toContain('--epochs');
    expect((await cli('train', '--model', 'resnet')).err).toContain("unknown model 'resnet'");
    expect((await cli('train', '--optimizer', 'rmsprop')).err).toContain(
      "--optimizer must be 'adam' or 'sgd'",
    );
  });

  it('eval reports a missing or corrupt weights file clearly', async () => {
    const missing = await cli('eval', join(dir, 'nope.safetensors'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/weights file '.*nope.safetensors' not found/);
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(
      corrupt,
      Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22, 0x78, 0x22, 0x3a, 0x31, 0x7d, 0x20]),
    );
    const bad = await cli('eval', corrupt);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("tessera eval: safetensors: entry 'x' must be an object");
    expect((await cli('eval')).code).toBe(2);
  });

  it('checks --out before training and never shows a raw Node file error', async () => {
    const bad = await cli(
      'train',
      ...backendArgs,
      '--out',
      '/nonexistent-tessera/dir/x.safetensors',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      "tessera train: cannot write weights file '/nonexistent-tessera/dir/x.safetensors': " +
        "directory '/nonexistent-tessera/dir' does not exist",
    );
    expect(bad.out).toBe('');
    const isDir = await cli('train', ...backendArgs, '--out', dir);
    expect(isDir.err).toBe(
      `tessera train: cannot write weights file '${dir}': it is a directory, expected a file name`,
    );
    // Nothing was printed on stdout: it stopped before the training header.
    expect(isDir.out).toBe('');
    const evalDir = await cli('eval', dir, ...backendArgs);
    expect(evalDir.code).toBe(1);
    expect(evalDir.err).toBe(`tessera eval: '${dir}' is a directory, expected a weights file`);
    expect(evalDir.err).not.toContain('EISDIR');
  });

  it('--data errors come before any backend initialises and list no directory', async () => {
    // A backend that does not exist would fail first if backends were chosen first.
    const missing = await cli('train', '--backend', 'nope', '--data', 'idx:/nonexistent-tessera');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("tessera train: data directory '/nonexistent-tessera' not found");
    const junk = join(dir, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'holiday-photo.jpg'), 'x');
    const empty = await cli('eval', 'w.safetensors', '--data', `idx:${junk}`, '--backend', 'nope');
    expect(empty.err).toContain("weights file 'w.safetensors' not found");
    const t = await cli('train', '--backend', 'nope', '--data', `idx:${junk}`, '--no-save');
    expect(t.code).toBe(2);
    expect(t.err).toContain('no train-images-idx3-ubyte[.gz] in that directory');
    expect(t.err).not.toContain('holiday-photo');
    const spec = await cli('train', '--backend', 'nope', '--data', 'mnsit');
    expect(spec.err).toContain("--data must be 'mnist' or 'idx:<directory>', got 'mnsit'");
  });

  it('summary prints the layer table and the connectivity comparison', async () => {
    const s = await cli('summary', '--model', 'convnet', '--input', '3,32,32');
    expect(s.code).toBe(0);
    expect(s.out).toContain('conv1     Conv2d   [N, 6, 28, 28]');
    expect(s.out).toContain('conv2     Conv2d   [N, 10, 24, 24]');
    const c = await cli('summary', '--compare-connectivity');
    expect(c.out).toContain('1,600,000,000 (1.6B)');
    expect(c.out).toContain('4,000,000 (4.0M)');
    expect(c.out).toContain('10,000 (10.0K)');
    expect((await cli('summary', '--input', '1,28')).err).toContain('expected C,H,W');
  });

  it('trains a small model on MNIST, saves safetensors with metadata, and eval reads it back', async () => {
    const out = join(dir, 'linear.safetensors');
    const t = await cli(
      'train',
      ...backendArgs,
      '--model',
      'linear',
      '--epochs',
      '1',
      '--limit',
      '512',
      '--batch-size',
      '32',
      '--lr',
      '0.01',
      '--out',
      out,
    );
    expect(t.code).toBe(0);
    expect(t.out).toMatch(
      /epoch 1\/1: train loss [\d.]+, train acc [\d.]+%, test acc [\d.]+% \(\d+\/2000\)/,
    );
    expect(t.out).toContain('Per-layer time');
    expect(t.out).toContain('fc1');
    expect(t.err).toMatch(/epoch 1\/1 \[=+\] 100%/);
    const meta = decodeSafetensors(new Uint8Array(readFileSync(out))).metadata;
    expect(meta['tessera.model']).toBe('linear');
    expect(meta['tessera.input_shape']).toBe('1,28,28');
    const trainAcc = Number(meta['tessera.test_accuracy']);
    expect(trainAcc).toBeGreaterThan(0.6);
    const e = await cli('eval', out, ...backendArgs);
    expect(e.code).toBe(0);
    const acc = Number(/accuracy ([\d.]+)%/.exec(e.out)?.[1]) / 100;
    expect(acc).toBeCloseTo(trainAcc, 3);
    expect(e.out).toContain('true\\pred');
  });

  it('reads --data idx:<dir> with gzipped files and reports a missing file', async () => {
    const idxDir = join(dir, 'idx');
    mkdirSync(idxDir);
    const n = 40;
    const images = new Uint8Array(n * 28 * 28);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let r = 0; r < 28; r++)
        for (let c = 0; c < 28; c++)
          images[i * 784 + r * 28 + c] = (i % 2 === 0) === r < 14 ? 200 : 0;
    }
    writeFileSync(
      join(idxDir, 'train-images-idx3-ubyte.gz'),
      gzipSync(idxBytes([n, 28, 28], images)),
    );
    writeFileSync(join(idxDir, 'train-labels-idx1-ubyte'), idxBytes([n], labels));
    writeFileSync(
      join(idxDir, 't10k-images-idx3-ubyte.gz'),
      gzipSync(idxBytes([n, 28, 28], images)),
    );
    const missing = await cli(
      'train',
      ...backendArgs,
      '--data',
      `idx:${idxDir}`,
      '--model',
      'linear',
      '--epochs',
      '1',
      '--no-save',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no t10k-labels-idx1-ubyte[.gz]');
    writeFileSync(join(idxDir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([n], labels)));
    const out = join(dir, 'idx.safetensors');
    const t = await cli(
      'train',
      ...backendArgs,
      '--data',
      `idx:${idxDir}`,
      '--model',
      'linear',
      '--epochs',
      '2',
      '--batch-size',
      '8',
      '--no-profile',
      '--out',
      out,
    );
    expect(t.code).toBe(0);
    expect(t.out).toContain(`(40 train / 40 test, 1x28x28, 10 classes)`);
    expect(t.out).toMatch(/epoch 2\/2: .*test acc 100\.0% \(40\/40\)/);
    expect(existsSync(out)).toBe(true);
    writeFileSync(
      join(idxDir, 't10k-labels-idx1-ubyte.gz'),
      gzipSync(idxBytes([n + 1], new Uint8Array(n + 1))),
    );
    const bad = await cli('eval', out, ...backendArgs, '--data', `idx:${idxDir}`);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('40 images ([40, 28, 28]) but 41 labels');
  });
});
