/** Image datasets: PNG/JPEG decoding to RGBA, resizing, normalisation, errors, folders, cache. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage, imageDataset, resizeToChannels } from './images.js';
import { FormatError } from '../errors.js';
import { clearImageFolderCache, imageFolder } from '../node/image-folder.js';

/** A w x h 8-bit PNG whose pixel (x, y) channel c is f(x, y, c). */
function png(
  w: number,
  h: number,
  channels: number,
  f: (x: number, y: number, c: number) => number,
) {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < channels; c++) data[(y * w + x) * channels + c] = f(x, y, c);
  return encodePng({ width: w, height: h, data, channels, depth: 8 });
}

describe('decodeImage', () => {
  it('turns gray, gray+alpha, RGB and 16-bit PNGs into RGBA', () => {
    const gray = decodeImage(
      png(2, 1, 1, (x) => 10 + x),
      'g.png',
    );
    expect([...gray.data]).toEqual([10, 10, 10, 255, 11, 11, 11, 255]);
    const ga = decodeImage(
      png(1, 1, 2, (_x, _y, c) => (c ? 7 : 99)),
      'ga.png',
    );
    expect([...ga.data]).toEqual([99, 99, 99, 7]);
    const rgb = decodeImage(
      png(1, 1, 3, (_x, _y, c) => 50 * c),
      'rgb.png',
    );
    expect([...rgb.data]).toEqual([0, 50, 100, 255]);
    const deep = encodePng({
      width: 1,
      height: 1,
      data: Uint16Array.from([0x1234]),
      channels: 1,
      depth: 16,
    });
    expect([...decodeImage(deep, 'd.png').data]).toEqual([0x12, 0x12, 0x12, 255]);
  });

  it('decodes JPEG (a flat colour survives compression within a few levels)', () => {
    const raw = new Uint8Array(8 * 8 * 4).fill(200);
    const bytes = jpeg.encode({ width: 8, height: 8, data: raw }, 95).data;
    const img = decodeImage(new Uint8Array(bytes), 'x.jpg');
    expect([img.width, img.height]).toEqual([8, 8]);
    for (let i = 0; i < 64; i++) expect(Math.abs(img.data[i * 4] - 200)).toBeLessThanOrEqual(3);
  });

  it('names the file when it is not an image or is corrupt', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'a/b.png')).toThrow(
      "image 'a/b.png': not a PNG or JPEG file",
    );
    const cut = png(4, 4, 3, () => 1).subarray(0, 30);
    expect(() => decodeImage(cut, 'cut.png')).toThrow(FormatError);
    expect(() => decodeImage(cut, 'cut.png')).toThrow(/image 'cut.png': cannot be decoded/);
  });
});

describe('resizeToChannels and imageDataset', () => {
  it('halving averages each 2x2 block (bilinear, half-pixel centres); gray uses BT.601', () => {
    const img = decodeImage(
      png(4, 2, 3, (x, _y, c) => (c === 0 ? 40 * x : c === 1 ? 100 : 0)),
      'p.png',
    );
    const half = resizeToChannels(img, 3, 1, 2);
    expect([...half].map((v) => v * 255)).toEqual([
      expect.closeTo(20, 4),
      expect.closeTo(100, 4),
      expect.closeTo(100, 4),
      expect.closeTo(100, 4),
      0,
      0,
    ]);
    const gray = resizeToChannels(img, 1, 2, 4);
    expect(gray[1] * 255).toBeCloseTo(0.299 * 40 + 0.587 * 100, 3);
  });

  it('builds a labelled, normalised dataset; skips or fails on bad files as asked', () => {
    const items = [
      { name: 'b/1.png', label: 'b', bytes: png(2, 2, 1, () => 255) },
      { name: 'a/1.png', label: 'a', bytes: png(2, 2, 1, () => 0) },
      { name: 'a/bad.png', label: 'a', bytes: new Uint8Array([1, 2, 3]) },
    ];
    expect(() => imageDataset(items, { channels: 1 })).toThrow(/'a\/bad.png': not a PNG/);
    const r = imageDataset(items, { channels: 1, onError: 'skip', mean: [0.5], std: [0.5] });
    expect(r.classes).toEqual(['a', 'b']);
    expect(r.skipped).toEqual([{ name: 'a/bad.png', reason: expect.stringMatching(/not a PNG/) }]);
    expect([...r.dataset.labels]).toEqual([1, 0]);
    expect(r.dataset.imageShape).toEqual([1, 2, 2]);
    expect([...r.dataset.images]).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);
    expect(() => imageDataset(items, { chanels: 1 } as never)).toThrow(/did you mean 'channels'/);
    expect(() => imageDataset(items, { mean: [0.5] })).toThrow("'mean' needs 3 values");
  });
});

describe('imageFolder (Node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads class folders, caches the decoded dataset in a file, and reports bad paths', () => {
    for (const [cls, v] of [
      ['cat', 30],
      ['dog', 220],
    ] as const) {
      mkdirSync(join(dir, 'imgs', cls), { recursive: true });
      for (let i = 0; i < 3; i++)
        writeFileSync(
          join(dir, 'imgs', cls, `${i}.png`),
          png(6, 4, 3, () => v),
        );
    }
    writeFileSync(join(dir, 'imgs', 'notes.txt'), 'ignored');
    const cacheFile = join(dir, 'cache.safetensors');
    const first = imageFolder(join(dir, 'imgs'), { size: [2, 3], cacheFile });
    expect(first.classes).toEqual(['cat', 'dog']);
    expect(first.dataset.size).toBe(6);
    expect(first.dataset.imageShape).toEqual([3, 2, 3]);
    expect(existsSync(cacheFile)).toBe(true);
    clearImageFolderCache();
    const again = imageFolder(join(dir, 'imgs'), { size: [2, 3], cacheFile });
    expect(again).not.toBe(first);
    expect([...again.dataset.images]).toEqual([...first.dataset.images]);
    expect(() => imageFolder(join(dir, 'missing'))).toThrow(/cannot read folder '.*missing'/);
    expect(() => imageFolder(cacheFile)).toThrow(/is a file, expected a folder of class folders/);
    mkdirSync(join(dir, 'empty'));
    expect(() => imageFolder(join(dir, 'empty'))).toThrow(/no .png\/.jpg\/.jpeg images/);
  });
});
