import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError, TesseraError } from '@tessera/core';
import { idxDataset, parseIdx } from './idx.js';
import { FormatError } from '../errors.js';

/** An IDX file written by hand: magic 00 00 type rank, big-endian dims, big-endian body. */
function idx(type: number, dims: number[], body: number[], itemBytes = 1): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length * itemBytes);
  const v = new DataView(out.buffer);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  body.forEach((x, i) => {
    const at = 4 + 4 * dims.length + i * itemBytes;
    if (type === 0x08) v.setUint8(at, x);
    else if (type === 0x0b) v.setInt16(at, x, false);
    else if (type === 0x0c) v.setInt32(at, x, false);
    else if (type === 0x0d) v.setFloat32(at, x, false);
  });
  return out;
}

describe('IDX files', () => {
  it('parses uint8 images and labels (the MNIST layout)', () => {
    const images = parseIdx(idx(0x08, [2, 2, 3], [0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    expect(images.type).toBe('uint8');
    expect(images.shape).toEqual([2, 2, 3]);
    expect(Array.from(images.data)).toEqual([0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
    const labels = parseIdx(idx(0x08, [2], [7, 3]));
    const ds = idxDataset(images, labels, { name: 'tiny' });
    expect(ds.size).toBe(2);
    expect(ds.imageShape).toEqual([1, 2, 3]);
    expect(ds.numClasses).toBe(10);
    expect(Array.from(ds.labels)).toEqual([7, 3]);
    expect(ds.images[1]).toBe(1);
    expect(ds.images[2]).toBeCloseTo(0.2, 6);
  });

  it('reads big-endian multi-byte types', () => {
    expect(Array.from(parseIdx(idx(0x0b, [2], [-300, 5], 2)).data)).toEqual([-300, 5]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-70000, 1 << 30], 4)).data)).toEqual([
      -70000,
      1 << 30,
    ]);
    expect(Array.from(parseIdx(idx(0x0d, [1, 2], [1.5, -0.25], 4)).data)).toEqual([1.5, -0.25]);
  });

  it('reports a bad magic number (and recognises gzip)', () => {
    const bad = idx(0x08, [1], [1]);
    bad[0] = 0x12;
    expect(() => parseIdx(bad, 'x.idx')).toThrow(FormatError);
    expect(() => parseIdx(bad, 'x.idx')).toThrow('x.idx: bad magic number 0x12 0x00 0x08 0x01');
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), 'y.gz')).toThrow(
      /gzip-compressed/,
    );
    const badType = idx(0x08, [1], [1]);
    badType[2] = 0x07;
    expect(() => parseIdx(badType)).toThrow(/unknown element type 0x07/);
    expect(() => parseIdx(Uint8Array.from([0, 0]))).toThrow(/too short/);
  });

  it('reports size mismatches: truncated data, extra bytes, truncated header', () => {
    const full = idx(0x08, [3, 2, 2], new Array(12).fill(1));
    expect(() => parseIdx(full.subarray(0, full.length - 1), 'cut')).toThrow(
      'cut: size mismatch: the header declares uint8 [3, 2, 2] = 12 bytes of data, but the file has 11 bytes after the 16-byte header (truncated file?)',
    );
    expect(() => parseIdx(Uint8Array.from([...full, 0]))).toThrow(/has 13 bytes/);
    expect(() => parseIdx(full.subarray(0, 10))).toThrow(/truncated header/);
    const giant = idx(0x08, [0xffffffff, 0xffffffff], []);
    expect(() => parseIdx(giant)).toThrow(FormatError);
  });

  it('checks that images and labels agree', () => {
    const images = parseIdx(idx(0x08, [2, 1, 1], [1, 2]));
    expect(() => idxDataset(images, parseIdx(idx(0x08, [3], [1, 2, 3])))).toThrow(ShapeError);
    expect(() =>
      idxDataset(parseIdx(idx(0x08, [2], [1, 2])), parseIdx(idx(0x08, [2], [1, 2]))),
    ).toThrow(/images must be/);
    expect(() =>
      idxDataset(images, parseIdx(idx(0x08, [2], [1, 200])), { numClasses: 10 }),
    ).toThrow(/outside \[0, 10\)/);
  });

  it('never crashes on random bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, idxLike) => {
        if (idxLike && bytes.length >= 2) {
          bytes[0] = 0;
          bytes[1] = 0;
        }
        try {
          parseIdx(bytes);
        } catch (err) {
          if (!(err instanceof TesseraError)) throw err;
        }
      }),
      { numRuns: 500 },
    );
  });
});
