/**
 * A complete Tessera backend in one file: storage in plain Float64Arrays and only the 12
 * REQUIRED kernels, each a few lines on top of the strided loop in strided.ts. Everything
 * else (conv2d and its gradients, pooling, softmax, bias + ReLU, concat, every gradient) comes
 * from core's composite fallbacks.
 */
import type { Backend, BackendMemory, DataId, DType, KernelTable, TypedArray } from '@tessera/core';
import type { BinaryOp, ConvGeometry, TensorInfo, UnaryOp } from '@tessera/core';
import { broadcastView, forEach, sizeOf, stridesOf, view, type View } from './strided.js';

/** One buffer. int32 tensors hold whole numbers in the Float64Array; `put` keeps them int32. */
class Buf {
  constructor(
    readonly v: Float64Array,
    readonly dtype: DType,
  ) {}
  /** Store like a typed array of this dtype would: int32 wraps and truncates toward zero. */
  put(i: number, x: number): void {
    this.v[i] = this.dtype === 'int32' ? x | 0 : x;
  }
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  step: (x) => (x > 0 ? 1 : 0),
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: Math.max,
  minimum: Math.min,
  greater: (a, b) => (a > b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
};

const whole = (shape: readonly number[]): View => view(stridesOf(shape));

export function createMinimalBackend(): Backend {
  const live = new Set<Buf>();
  const alloc = (dtype: DType, size: number): Buf => {
    const b = new Buf(new Float64Array(size), dtype);
    live.add(b);
    return b;
  };
  const buf = (id: DataId): Buf => id as Buf;
  const vals = (t: TensorInfo): Float64Array => buf(t.dataId).v;

  /** out[view] = x[view'] over `shape`; the building block of transpose, slice, pad, im2col. */
  const copy = (out: Buf, outView: View, x: Float64Array, xView: View, shape: readonly number[]) =>
    forEach(shape, [outView, xView], ([o, i]) => out.put(o, x[i]));

  /** [N, C, H, W] padded for the window geometry, and the im2col view of it (6-d). */
  const padded = (g: ConvGeometry) => {
    const [H, W] = [g.inH + g.padTop + g.padBottom, g.inW + g.padLeft + g.padRight];
    const shape = [g.batch, g.inChannels, H, W];
    const interior = view(stridesOf(shape), g.padTop * W + g.padLeft);
    const [C, dH, dW, sH, sW] = [g.inChannels, g.dilationH, g.dilationW, g.strideH, g.strideW];
    const window = view([C * H * W, H * W, dH * W, dW, sH * W, sW]);
    const colShape = [g.batch, g.inChannels, g.kH, g.kW, g.outH, g.outW];
    return { shape, interior, window, colShape };
  };

  const kernels: KernelTable = {
    Unary({ op, x }) {
      const f = x.dtype === 'int32' && op === 'square' ? (v: number) => Math.imul(v, v) : UNARY[op];
      const out = alloc(x.dtype, sizeOf(x.shape));
      vals(x).forEach((v, i) => out.put(i, f(v)));
      return out;
    },
    Binary({ op, a, b, outShape }) {
      const f = a.dtype === 'int32' && op === 'mul' ? Math.imul : BINARY[op];
      const out = alloc(op === 'greater' || op === 'equal' ? 'float32' : a.dtype, sizeOf(outShape));
      const [av, bv] = [vals(a), vals(b)];
      const views = [
        whole(outShape),
        broadcastView(a.shape, outShape),
        broadcastView(b.shape, outShape),
      ];
      forEach(outShape, views, ([o, i, j]) => out.put(o, f(av[i], bv[j])));
      return out;
    },
    Where({ cond, a, b, outShape }) {
      const out = alloc(a.dtype, sizeOf(outShape));
      const [cv, av, bv] = [vals(cond), vals(a), vals(b)];
      const views = [whole(outShape), ...[cond, a, b].map((t) => broadcastView(t.shape, outShape))];
      forEach(outShape, views, ([o, c, i, j]) => out.put(o, cv[c] !== 0 ? av[i] : bv[j]));
      return out;
    },
    Reduce({ op, x, outer, size, inner }) {
      const out = alloc(op === 'argmax' ? 'int32' : x.dtype, outer * inner);
      const best = new Float64Array(outer * inner); // the running value (argmax stores indices)
      const xv = vals(x);
      // Loop [outer, inner, size]; the output ignores the reduced axis (stride 0).
      const views = [view([inner, 1, 0]), view([size * inner, 1, inner])];
      forEach([outer, inner, size], views, ([o, i], step) => {
        const k = step % size;
        const v = xv[i];
        if (k === 0) best[o] = v;
        else if (op === 'sum') best[o] += v;
        else if (op === 'max') best[o] = Math.max(best[o], v);
        else if (op === 'min') best[o] = Math.min(best[o], v);
        else if (v > best[o] || (Number.isNaN(v) && !Number.isNaN(best[o]))) {
          best[o] = v; // argmax: the first maximum wins, a NaN counts as the maximum
          out.put(o, k);
        }
        if (op !== 'argmax' && k === size - 1) out.put(o, best[o]);
      });
      return out;
    },
    MatMul({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k }) {
      const out = alloc('float32', batch * m * n);
      const [av, bv] = [vals(a), vals(b)];
      // out[t, i, j] += a[t, i, p] * b[t, p, j], as one 4-d loop over [t, i, j, p].
      const views = [
        view([m * n, n, 1, 0]),
        view([batchA === 1 ? 0 : m * k, transposeA ? 1 : k, 0, transposeA ? m : 1]),
        view([batchB === 1 ? 0 : k * n, 0, transposeB ? k : 1, transposeB ? 1 : n]),
      ];
      forEach([batch, m, n, k], views, ([o, i, j]) => (out.v[o] += av[i] * bv[j]));
      return out;
    },
    Transpose({ x, perm }) {
      const shape = perm.map((p) => x.shape[p]);
      const own = stridesOf(x.shape);
      const out = alloc(x.dtype, sizeOf(shape));
      copy(out, whole(shape), vals(x), view(perm.map((p) => own[p])), shape);
      return out;
    },
    Slice({ x, begin, size }) {
      const own = stridesOf(x.shape);
      const from = view(
        own,
        begin.reduce((s, b, i) => s + b * own[i], 0),
      );
      const out = alloc(x.dtype, sizeOf(size));
      copy(out, whole(size), vals(x), from, size);
      return out;
    },
    Pad({ x, paddings, value }) {
      const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
      const own = stridesOf(shape);
      const out = alloc(x.dtype, sizeOf(shape));
      out.v.fill(x.dtype === 'int32' ? value | 0 : value);
      const into = view(
        own,
        paddings.reduce((s, [p], i) => s + p * own[i], 0),
      );
      copy(out, into, vals(x), whole(x.shape), x.shape);
      return out;
    },
    Cast({ x, dtype }) {
      const out = alloc(dtype, sizeOf(x.shape));
      vals(x).forEach((v, i) => out.put(i, v));
      return out;
    },
    Fill({ shape, value, dtype }) {
      const out = alloc(dtype, sizeOf(shape));
      out.v.fill(dtype === 'int32' ? value | 0 : value);
      return out;
    },
    // im2col is a strided view of the zero-padded image: pad, then copy through the view.
    Im2Col({ x, geom }) {
      const p = padded(geom);
      const [image, xv] = [new Float64Array(sizeOf(p.shape)), vals(x)];
      forEach(x.shape, [p.interior, whole(x.shape)], ([o, i]) => (image[o] = xv[i]));
      const out = alloc(x.dtype, sizeOf(p.colShape));
      copy(out, whole(p.colShape), image, p.window, p.colShape);
      return out;
    },
    // col2im, its adjoint: add the columns back through the same view, then drop the padding.
    Col2Im({ cols, geom }) {
      const p = padded(geom);
      const image = new Float64Array(sizeOf(p.shape));
      const cv = vals(cols);
      forEach(p.colShape, [p.window, whole(p.colShape)], ([o, i]) => (image[o] += cv[i]));
      const shape = [geom.batch, geom.inChannels, geom.inH, geom.inW];
      const out = alloc(cols.dtype, sizeOf(shape));
      copy(out, whole(shape), image, p.interior, shape);
      return out;
    },
  };

  const readSync = (id: DataId): TypedArray => {
    const b = buf(id);
    return b.dtype === 'int32' ? Int32Array.from(b.v) : Float32Array.from(b.v);
  };

  return {
    name: 'minimal',
    kernels,
    write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
      const out = alloc(dtype, values.length);
      out.v.set(values);
      return out;
    },
    readSync,
    read: async (id: DataId) => readSync(id),
    disposeData(id: DataId): void {
      live.delete(buf(id));
    },
    memory(): BackendMemory {
      let numBytes = 0;
      for (const b of live) numBytes += b.v.byteLength;
      return { numBytes, numBuffers: live.size };
    },
  };
}
