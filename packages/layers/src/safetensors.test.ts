import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TesseraError, tensor } from '@tessera/core';
import {
  MAX_HEADER_BYTES,
  decodeSafetensors,
  encodeSafetensors,
  loadModel,
  loadSafetensors,
  saveModel,
  saveSafetensors,
} from './safetensors.js';
import { FormatError } from './errors.js';
import { lenet } from './models.js';
import { host } from './test/helpers.js';

/** A file built by hand from the spec: u64 LE header length, JSON header, little-endian data. */
function handBuilt(
  header: unknown,
  data: Uint8Array,
  headerText = JSON.stringify(header),
): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32le(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return b;
}

function expectFormatError(bytes: Uint8Array, pattern: RegExp): void {
  expect(() => decodeSafetensors(bytes)).toThrow(FormatError);
  expect(() => decodeSafetensors(bytes)).toThrow(pattern);
}

describe('safetensors', () => {
  it('reads a file written by hand from the spec (F32, I32, F16, BF16, F64, metadata)', () => {
    const parts: Uint8Array[] = [];
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let off = 0;
    const add = (name: string, dtype: string, shape: number[], bytes: Uint8Array) => {
      header[name] = { dtype, shape, data_offsets: [off, off + bytes.length] };
      parts.push(bytes);
      off += bytes.length;
    };
    add('w', 'F32', [2, 2], f32le([1, -2.5, 3.25, 0]));
    const i32 = new Uint8Array(8);
    new DataView(i32.buffer).setInt32(0, -7, true);
    new DataView(i32.buffer).setInt32(4, 123456, true);
    add('labels', 'I32', [2], i32);
    add('half', 'F16', [3], Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x35])); // 1, -2, 0.3125
    add('brain', 'BF16', [1], Uint8Array.from([0xc0, 0x3f])); // 1.5
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 0.5, true);
    add('double', 'F64', [], f64);
    const data = new Uint8Array(off);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    const decoded = decodeSafetensors(handBuilt(header, data));
    expect(decoded.metadata).toEqual({ format: 'pt' });
    expect(Array.from(decoded.tensors.w.data)).toEqual([1, -2.5, 3.25, 0]);
    expect(decoded.tensors.w.shape).toEqual([2, 2]);
    expect(decoded.tensors.labels.dtype).toBe('int32');
    expect(Array.from(decoded.tensors.labels.data)).toEqual([-7, 123456]);
    expect(Array.from(decoded.tensors.half.data)).toEqual([1, -2, 0.3125]);
    expect(Array.from(decoded.tensors.brain.data)).toEqual([1.5]);
    expect(Array.from(decoded.tensors.double.data)).toEqual([0.5]);
    expect(decoded.tensors.double.shape).toEqual([]);
  });

  it('writes the layout the spec describes (padded header, sorted names, contiguous offsets)', () => {
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) },
        a: { dtype: 'int32', shape: [1], data: Int32Array.from([5]) },
      },
      { note: 'hi' },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { note: 'hi' },
      a: { dtype: 'I32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    });
    expect(view.getInt32(8 + n, true)).toBe(5);
    expect(view.getFloat32(8 + n + 8, true)).toBe(2);
    expect(bytes.length).toBe(8 + n + 12);
  });

  it('round-trips tensors and a whole model', async () => {
    const t = { x: tensor([1.5, -2, 3e-8], [3]), y: tensor([[1, 2]], [1, 2], 'int32') };
    const back = loadSafetensors(await saveSafetensors(t, { k: 'v' }));
    expect(back.metadata).toEqual({ k: 'v' });
    expect(await host(back.tensors.x)).toEqual(Array.from(Float32Array.from([1.5, -2, 3e-8])));
    expect(back.tensors.y.dtype).toBe('int32');
    for (const v of [...Object.values(t), ...Object.values(back.tensors)]) v.dispose();

    const a = lenet({ seed: 3 });
    const b = lenet({ seed: 4 });
    const meta = loadModel(b, await saveModel(a, { model: 'lenet' }));
    expect(meta.model).toBe('lenet');
    const pa = a.namedParameters();
    const pb = b.namedParameters();
    for (let i = 0; i < pa.length; i++) expect(await host(pb[i][1])).toEqual(await host(pa[i][1]));
    a.dispose();
    b.dispose();
  });

  it('rejects a file that does not fit the model, naming the problem', async () => {
    const small = encodeSafetensors({
      'conv1.weight': { dtype: 'float32', shape: [1], data: Float32Array.from([1]) },
    });
    expect(() => loadModel(lenet(), small)).toThrow(
      /missing 'conv1.bias'.*'conv1.weight' has shape \[1\], expected \[6, 1, 5, 5\]/,
    );
  });

  it('says a file of another kind is not a safetensors file, and what it starts with', () => {
    const text = new TextEncoder().encode('name,label\n0001.png,7\n');
    expectFormatError(
      text,
      /safetensors: this is not a safetensors file: it starts with "name,label\\n0"/,
    );
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 0x14, 0, 0, 0, 8, 0, 0x21, 0]);
    expectFormatError(zip, /it starts with 50 4b 03 04 14 00 00 00 08 00 21 00 \(hex\)/);
  });

  it('validates the header: length, JSON, dtypes, shapes, offsets', () => {
    const ok = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const data = f32le([1, 2]);
    expect(decodeSafetensors(handBuilt(ok, data)).tensors.t.shape).toEqual([2]);
    expectFormatError(new Uint8Array(5), /too short/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    huge[8] = 0x7b; // '{': shaped like a header, only too long
    expectFormatError(huge, /over the limit/);
    const past = handBuilt(ok, data);
    new DataView(past.buffer).setBigUint64(0, BigInt(past.length), true);
    expectFormatError(past, /past the end/);
    expectFormatError(handBuilt(null, data, '{"t": [1, 2'), /not valid JSON/);
    expectFormatError(handBuilt(null, data, '[1, 2, 3]   '), /not a safetensors file/);
    expectFormatError(
      handBuilt(null, new Uint8Array(0), '{"a": 1}'),
      /entry 'a' must be an object/,
    );
    expectFormatError(handBuilt({ t: { ...ok.t, dtype: 'F33' } }, data), /unknown dtype "F33"/);
    expectFormatError(handBuilt({ t: { ...ok.t, shape: [-2] } }, data), /invalid shape/);
    expectFormatError(handBuilt({ t: { ...ok.t, shape: [3] } }, data), /needs more than 8 bytes/);
    expectFormatError(
      handBuilt({ t: { ...ok.t, shape: [1e15, 1e15] } }, data),
      /needs more than 8 bytes/,
    );
    expectFormatError(
      handBuilt({ t: { ...ok.t, data_offsets: [8, 0] } }, data),
      /invalid data_offsets/,
    );
    expectFormatError(handBuilt({ t: { ...ok.t, data_offsets: [4, 12] } }, data), /run past/);
    expectFormatError(handBuilt(ok, f32le([1, 2, 3])), /cover 8 bytes but the file has 12/);
    const overlap = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    };
    expectFormatError(handBuilt(overlap, data), /overlap/);
    const gap = { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expectFormatError(handBuilt(gap, data), /gap/);
    expectFormatError(handBuilt({ __metadata__: { a: 1 } }, new Uint8Array(0)), /must be a string/);
    expectFormatError(
      handBuilt({ t: { dtype: 'U16', shape: [4], data_offsets: [0, 8] } }, data),
      /not supported here/,
    );
    const badUtf8 = handBuilt(ok, data);
    badUtf8[9] = 0xff;
    expectFormatError(badUtf8, /UTF-8/);
    expect(MAX_HEADER_BYTES).toBe(100_000_000);
  });

  describe('fuzz (fast-check): malformed input is a TesseraError, never a crash or hang', () => {
    const decodeOrFormatError = (bytes: Uint8Array) => {
      try {
        decodeSafetensors(bytes);
      } catch (err) {
        if (!(err instanceof TesseraError)) throw err;
      }
    };

    it('random bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), decodeOrFormatError), {
        numRuns: 500,
      });
    });

    it('random headers (any JSON) with random data', () => {
      const entry = fc.record({
        dtype: fc.oneof(
          fc.constantFrom('F32', 'I32', 'F16', 'BF16', 'F64', 'I64', 'U8', 'BOOL', 'U16'),
          fc.string(),
        ),
        shape: fc.oneof(
          fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 }),
          fc.jsonValue(),
        ),
        data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.jsonValue()),
      });
      const header = fc.dictionary(
        fc.oneof(fc.string(), fc.constant('__metadata__')),
        fc.oneof(entry, fc.jsonValue()),
        { maxKeys: 4 },
      );
      fc.assert(
        fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, data) =>
          decodeOrFormatError(handBuilt(h, data)),
        ),
        { numRuns: 500 },
      );
    });

    it('mutations of a valid file (byte flips, truncation, extension)', () => {
      const valid = encodeSafetensors({
        a: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
        b: { dtype: 'int32', shape: [2], data: Int32Array.from([7, 8]) },
      });
      const mutation = fc.oneof(
        fc.record({
          kind: fc.constant('flip' as const),
          at: fc.nat(valid.length - 1),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        fc.record({
          kind: fc.constant('cut' as const),
          at: fc.nat(valid.length),
          value: fc.constant(0),
        }),
        fc.record({
          kind: fc.constant('grow' as const),
          at: fc.nat(16),
          value: fc.integer({ min: 0, max: 255 }),
        }),
      );
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
          let bytes = Uint8Array.from(valid);
          for (const m of ms) {
            if (m.kind === 'flip') bytes[Math.min(m.at, bytes.length - 1)] = m.value;
            else if (m.kind === 'cut') bytes = bytes.subarray(0, Math.min(m.at, bytes.length));
            else bytes = Uint8Array.from([...bytes, ...new Array<number>(m.at).fill(m.value)]);
          }
          if (bytes.length === 0) bytes = new Uint8Array(0);
          decodeOrFormatError(bytes);
        }),
        { numRuns: 500 },
      );
    });
  });
});
