/**
 * The REQUIRED kernels of the backend contract as the plainest loops that could work.
 * Clarity over speed: these are the oracle every backend is compared with, and the example a
 * new backend author reads first. Float math runs in float64.
 */
import type { BinaryOp, DataId, KernelSignatures, ReduceOp, UnaryOp } from '../backend/kernels.js';
import type { RefStore, RefValues } from './reference-store.js';
import { broadcastIndex, sizeOfShape, unravel } from './reference-store.js';

type Required = Pick<
  KernelSignatures,
  | 'Unary'
  | 'Binary'
  | 'Where'
  | 'Reduce'
  | 'MatMul'
  | 'Transpose'
  | 'Slice'
  | 'Pad'
  | 'Cast'
  | 'Fill'
  | 'Im2Col'
  | 'Col2Im'
>;

function unaryFn(op: UnaryOp): (x: number) => number {
  switch (op) {
    case 'neg':
      return (x) => -x;
    case 'abs':
      return (x) => Math.abs(x);
    case 'exp':
      return (x) => Math.exp(x);
    case 'log':
      return (x) => Math.log(x);
    case 'sqrt':
      return (x) => Math.sqrt(x);
    case 'square':
      return (x) => x * x;
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'tanh':
      return (x) => Math.tanh(x);
    case 'step':
      return (x) => (x > 0 ? 1 : 0);
  }
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add':
      return (a, b) => a + b;
    case 'sub':
      return (a, b) => a - b;
    case 'mul':
      return (a, b) => a * b;
    case 'div':
      return (a, b) => a / b;
    case 'maximum':
      return (a, b) => Math.max(a, b);
    case 'minimum':
      return (a, b) => Math.min(a, b);
    case 'greater':
      return (a, b) => (a > b ? 1 : 0);
    case 'equal':
      return (a, b) => (a === b ? 1 : 0);
  }
}

/** int32 products must wrap like int32 (float64 would lose the low bits of big products). */
function intMul(a: number, b: number): number {
  return Math.imul(a, b);
}

function reduceRow(
  op: ReduceOp,
  x: RefValues,
  start: number,
  size: number,
  stride: number,
): number {
  let acc = x[start];
  let best = 0;
  for (let i = 1; i < size; i++) {
    const v = x[start + i * stride];
    if (op === 'sum') acc += v;
    else if (op === 'max') acc = Math.max(acc, v);
    else if (op === 'min') acc = Math.min(acc, v);
    else if (v > acc || (Number.isNaN(v) && !Number.isNaN(acc))) {
      acc = v; // argmax: the first maximum wins; a NaN counts as the maximum
      best = i;
    }
  }
  return op === 'argmax' ? best : acc;
}

export function requiredKernels(store: RefStore): Required {
  const out = (dtype: 'float32' | 'int32', size: number) => store.alloc(dtype, size);

  return {
    Unary({ op, x }): DataId {
      const xv = store.values(x);
      const y = out(x.dtype, xv.length);
      const f = x.dtype === 'int32' && op === 'square' ? (v: number) => intMul(v, v) : unaryFn(op);
      for (let i = 0; i < xv.length; i++) y.values[i] = f(xv[i]);
      return y;
    },

    Binary({ op, a, b, outShape }): DataId {
      const av = store.values(a);
      const bv = store.values(b);
      const dtype = op === 'greater' || op === 'equal' ? 'float32' : a.dtype;
      const y = out(dtype, sizeOfShape(outShape));
      const f = a.dtype === 'int32' && op === 'mul' ? intMul : binaryFn(op);
      for (let i = 0; i < y.values.length; i++) {
        const idx = unravel(i, outShape);
        y.values[i] = f(av[broadcastIndex(idx, a.shape)], bv[broadcastIndex(idx, b.shape)]);
      }
      return y;
    },

    Where({ cond, a, b, outShape }): DataId {
      const cv = store.values(cond);
      const av = store.values(a);
      const bv = store.values(b);
      const y = out(a.dtype, sizeOfShape(outShape));
      for (let i = 0; i < y.values.length; i++) {
        const idx = unravel(i, outShape);
        const c = cv[broadcastIndex(idx, cond.shape)];
        y.values[i] = c !== 0 ? av[broadcastIndex(idx, a.shape)] : bv[broadcastIndex(idx, b.shape)];
      }
      return y;
    },

    Reduce({ op, x, outer, size, inner }): DataId {
      const xv = store.values(x);
      const y = out(op === 'argmax' ? 'int32' : x.dtype, outer * inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          y.values[o * inner + i] = reduceRow(op, xv, o * size * inner + i, size, inner);
        }
      }
      return y;
    },

    MatMul({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k }): DataId {
      const av = store.values(a);
      const bv = store.values(b);
      const y = out('float32', batch * m * n);
      for (let t = 0; t < batch; t++) {
        const aOff = (batchA === 1 ? 0 : t) * m * k;
        const bOff = (batchB === 1 ? 0 : t) * k * n;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let p = 0; p < k; p++) {
              const aip = transposeA ? av[aOff + p * m + i] : av[aOff + i * k + p];
              const bpj = transposeB ? bv[bOff + j * k + p] : bv[bOff + p * n + j];
              acc += aip * bpj;
            }
            y.values[t * m * n + i * n + j] = acc;
          }
        }
      }
      return y;
    },

    Transpose({ x, perm }): DataId {
      const xv = store.values(x);
      const outShape = perm.map((p) => x.shape[p]);
      const y = out(x.dtype, xv.length);
      const inIdx = new Array<number>(perm.length);
      for (let i = 0; i < xv.length; i++) {
        const idx = unravel(i, outShape);
        for (let d = 0; d < perm.length; d++) inIdx[perm[d]] = idx[d];
        y.values[i] = xv[broadcastIndex(inIdx, x.shape)];
      }
      return y;
    },

    Slice({ x, begin, size }): DataId {
      const xv = store.values(x);
      const y = out(x.dtype, sizeOfShape(size));
      for (let i = 0; i < y.values.length; i++) {
        const idx = unravel(i, size).map((v, d) => v + begin[d]);
        y.values[i] = xv[broadcastIndex(idx, x.shape)];
      }
      return y;
    },

    Pad({ x, paddings, value }): DataId {
      const xv = store.values(x);
      const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
      const y = out(x.dtype, sizeOfShape(outShape));
      for (let i = 0; i < y.values.length; i++) {
        const idx = unravel(i, outShape).map((v, d) => v - paddings[d][0]);
        const inside = idx.every((v, d) => v >= 0 && v < x.shape[d]);
        y.values[i] = inside ? xv[broadcastIndex(idx, x.shape)] : value;
      }
      return y;
    },

    Cast({ x, dtype }): DataId {
      const xv = store.values(x);
      const y = out(dtype, xv.length);
      // Storing into an Int32Array truncates toward zero, as the contract asks.
      for (let i = 0; i < xv.length; i++) y.values[i] = xv[i];
      return y;
    },

    Fill({ shape, value, dtype }): DataId {
      const y = out(dtype, sizeOfShape(shape));
      y.values.fill(value);
      return y;
    },

    Im2Col({ x, geom: g }): DataId {
      const xv = store.values(x);
      const rows = g.inChannels * g.kH * g.kW;
      const L = g.outH * g.outW;
      const y = out(x.dtype, g.batch * rows * L);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++)
          for (let i = 0; i < g.kH; i++)
            for (let j = 0; j < g.kW; j++) {
              const row = (c * g.kH + i) * g.kW + j;
              for (let oh = 0; oh < g.outH; oh++)
                for (let ow = 0; ow < g.outW; ow++) {
                  const h = oh * g.strideH - g.padTop + i * g.dilationH;
                  const w = ow * g.strideW - g.padLeft + j * g.dilationW;
                  const inside = h >= 0 && h < g.inH && w >= 0 && w < g.inW;
                  y.values[(n * rows + row) * L + oh * g.outW + ow] = inside
                    ? xv[((n * g.inChannels + c) * g.inH + h) * g.inW + w]
                    : 0;
                }
            }
      return y;
    },

    Col2Im({ cols, geom: g }): DataId {
      const cv = store.values(cols);
      const rows = g.inChannels * g.kH * g.kW;
      const L = g.outH * g.outW;
      const y = out(cols.dtype, g.batch * g.inChannels * g.inH * g.inW);
      for (let n = 0; n < g.batch; n++)
        for (let c = 0; c < g.inChannels; c++)
          for (let i = 0; i < g.kH; i++)
            for (let j = 0; j < g.kW; j++) {
              const row = (c * g.kH + i) * g.kW + j;
              for (let oh = 0; oh < g.outH; oh++)
                for (let ow = 0; ow < g.outW; ow++) {
                  const h = oh * g.strideH - g.padTop + i * g.dilationH;
                  const w = ow * g.strideW - g.padLeft + j * g.dilationW;
                  if (h < 0 || h >= g.inH || w < 0 || w >= g.inW) continue;
                  y.values[((n * g.inChannels + c) * g.inH + h) * g.inW + w] +=
                    cv[(n * rows + row) * L + oh * g.outW + ow];
                }
            }
      return y;
    },
  };
}
