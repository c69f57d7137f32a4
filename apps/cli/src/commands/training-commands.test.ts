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
import { encode as encodePng } from 'fast-png';

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
    expect(spec.err).toContain("--data must be 'mnist', 'idx:<directory>' or 'folder:<directory>', got 'mnsit'");
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

  it('--checkpoint then --resume continues the same run: the weights equal an uninterrupted run', async () => {
    const common = [
      ...backendArgs,
      '--model',
      'linear',
      '--limit',
      '256',
      '--batch-size',
      '64',
      '--lr',
      '0.01',
      '--optimizer',
      'sgd',
      '--no-profile',
    ];
    const log = join(dir, 'run.jsonl');
    const u = await cli('train', ...common, '--epochs', '3', '--log', log, '--no-save');
    expect(u.code).toBe(0);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(lines[0])).toEqual(['epoch', 'loss', 'accuracy', 'testAccuracy', 'seconds']);

    const weights = (p: string) => decodeSafetensors(new Uint8Array(readFileSync(p))).tensors;
    // Interrupt after epoch 1 (a 1-epoch run of the same settings writes that checkpoint; a
    // constant schedule, since the cosine one spans --epochs), then resume up to epoch 3.
    const cst = [...common, '--schedule', 'constant'];
    const fullC = join(dir, 'fullc.safetensors');
    expect((await cli('train', ...cst, '--epochs', '3', '--out', fullC)).code).toBe(0);
    const ckC = join(dir, 'runc.ckpt');
    expect(
      (await cli('train', ...cst, '--epochs', '1', '--checkpoint', ckC, '--no-save')).code,
    ).toBe(0);
    const resC = join(dir, 'resc.safetensors');
    const rc = await cli(
      'train',
      ...backendArgs,
      '--resume',
      ckC,
      '--epochs',
      '3',
      '--out',
      resC,
      '--no-profile',
    );
    expect(rc.code, rc.err).toBe(0);
    expect(rc.out).toContain(`resuming ${ckC} after epoch 1`);
    expect(rc.out).toMatch(/epoch 2\/3: .*\nepoch 3\/3: /);
    expect(rc.out).not.toMatch(/epoch 1\/3:/);
    expect([...weights(resC)['fc1.weight'].data]).toEqual([...weights(fullC)['fc1.weight'].data]);

    const clash = await cli(
      'train',
      ...backendArgs,
      '--resume',
      ckC,
      '--epochs',
      '3',
      '--lr',
      '0.5',
    );
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/--lr 0.5 differs from the checkpoint's 0.01/);
    const done = await cli('train', ...backendArgs, '--resume', ckC, '--epochs', '1');
    expect(done.err).toMatch(/1 epochs done already; pass --epochs above 1/);
    const notCk = await cli('train', ...backendArgs, '--resume', fullC, '--epochs', '3');
    expect(notCk.err).toMatch(/is not a checkpoint of `tessera train`/);
  });

  it('trains on a folder of PNG images (--data folder:) and plots the run', async () => {
    const root = join(dir, 'shapes');
    for (const [cls, side] of [
      ['left', 0],
      ['right', 1],
    ] as const) {
      mkdirSync(join(root, cls), { recursive: true });
      for (let i = 0; i < 10; i++) {
        // The bright half tells the class (a bias-free, linearly separable task); noise varies.
        const data = new Uint8Array(8 * 8).map(
          (_, j) => (Number(j % 8 >= 4) === side ? 200 : 30) + ((i * 7 + j) % 9),
        );
        writeFileSync(
          join(root, cls, `${i}.png`),
          encodePng({ width: 8, height: 8, data, channels: 1 }),
        );
      }
    }
    const log = join(dir, 'shapes.jsonl');
    const t = await cli(
      'train',
      ...backendArgs,
      '--data',
      `folder:${root}`,
      '--model',
      'linear',
      '--epochs',
      '3',
      '--batch-size',
      '4',
      '--lr',
      '0.02',
      '--augment',
      '0',
      '--no-save',
      '--no-profile',
      '--log',
      log,
    );
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/data .*shapes \(left, right\) \(16 train \/ 4 test, 3x8x8, 2 classes\)/);
    expect(t.out).toMatch(/epoch 3\/3: .*test acc 100\.0% \(4\/4\)/);
    const p = await cli('plot', log, '--width', '20');
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/^loss {3}\(\* train loss\)/);
    expect(p.out).toContain('accuracy   (* train   o test)');
    const svg = join(dir, 'run.svg');
    expect((await cli('plot', log, '--svg', svg)).code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[^]*<polyline[^]*<polyline[^]*<polyline/);
    const bad = await cli('plot', join(root, 'left', '0.png'));
    expect(bad.err).toMatch(/tessera plot: .*0\.png:1: not a JSON object/);
    const none = await cli('train', ...backendArgs, '--data', `folder:${join(dir, 'nope')}`);
    expect(none.err).toMatch(/image folder '.*nope' not found/);
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
