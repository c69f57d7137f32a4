/** Matrix products: 2-D and batched, with optional transposes and broadcast batch dims. */
import { record } from '../autodiff/tape.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, opt } from '../options.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './binary.js';
import { backendOf, checkTensor, runKernel } from './dispatch.js';
import { fillOn } from './helpers.js';
import { add } from './binary.js';
import { noGrad } from '../autodiff/tape.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Make x's batch dims exactly `batchShape` (copying only when the broadcast is partial). */
function expandBatch(x: Tensor, batchShape: readonly number[]): Tensor {
  const target = [...batchShape, ...x.shape.slice(-2)];
  const zeros = fillOn(x.backend, target, 0, x.dtype);
  const out = noGrad(() => add(x, zeros));
  zeros.dispose();
  return out;
}

/**
 * a [..., m, k] @ b [..., k, n] -> [..., m, n]; with transposeA a is [..., k, m], with transposeB
 * b is [..., n, k]. Batch dims broadcast like NumPy. Both inputs must have rank >= 2.
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const op = 'matmul';
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  checkOptions(op, options, { transposeA: opt.boolean(), transposeB: opt.boolean() });
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(
      `${op}: both inputs need rank >= 2, got a ${formatShape(a.shape)} and b ${formatShape(b.shape)} ` +
        `(reshape a vector to [1, k] or [k, 1])`,
    );
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new DTypeError(`${op}: inputs must be float32, got a ${a.dtype} and b ${b.dtype}`);
  }
  const backend = backendOf(op, a, b);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br;
  const n = transposeB ? br : bc;
  if (k !== kb) {
    throw new ShapeError(
      `${op}: inner dimensions differ: a ${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} has k=${k}, ` +
        `b ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''} has k=${kb}`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(op, batchA, batchB, ['a (batch dims)', 'b (batch dims)']);
  const batch = sizeOf(batchShape);
  // The kernel broadcasts a whole operand (batch 1); a partial broadcast is materialised first.
  const fits = (s: readonly number[]) =>
    sizeOf(s) === 1 || shapesEqual(s, batchShape) || sizeOf(s) === batch;
  const aIn = fits(batchA) ? a : expandBatch(a, batchShape);
  const bIn = fits(batchB) ? b : expandBatch(b, batchShape);
  const outShape = [...batchShape, m, n];
  const y = runKernel(
    backend,
    'MatMul',
    {
      a: aIn,
      b: bIn,
      transposeA,
      transposeB,
      batch,
      batchA: sizeOf(aIn.shape.slice(0, -2)),
      batchB: sizeOf(bIn.shape.slice(0, -2)),
      m,
      n,
      k,
    },
    outShape,
    'float32',
  );
  if (aIn !== a) aIn.dispose();
  if (bIn !== b) bIn.dispose();
  record(op, [a, b], y, [a, b], (dy, [sa, sb], [needA, needB]) => {
    // C = opA(A) opB(B): each gradient is one more product, with the transposes rearranged.
    const tA = transposeA;
    const tB = transposeB;
    const da = !needA
      ? null
      : tA
        ? matmul(sb, dy, { transposeA: tB, transposeB: true })
        : matmul(dy, sb, { transposeB: !tB });
    const db = !needB
      ? null
      : tB
        ? matmul(dy, sa, { transposeA: true, transposeB: tA })
        : matmul(sa, dy, { transposeA: !tA });
    return [da && sumToShape(da, sa.shape), db && sumToShape(db, sb.shape)];
  });
  return y;
}
