/**
 * Reverse-mode differentiation. `f` runs once with a tape recording every op that depends on
 * the inputs; then the tape is replayed backwards, each node turning the gradient of its output
 * into gradients of its inputs with its vector-Jacobian product. No Jacobian is ever built
 * (except by `jacobian`, on purpose, for small teaching examples).
 *
 * Supported: first-order gradients of float32 tensors. Higher-order gradients (grad of grad) are
 * not: the backward pass itself is not recorded.
 */
import { tidy } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { add } from '../ops/binary.js';
import { reshape } from '../ops/reshape.js';
import { checkTensor } from '../ops/dispatch.js';
import { fillOn } from '../ops/helpers.js';
import { shareData } from '../engine.js';
import { activeTape, noGrad, popTape, pushTape, Tape } from './tape.js';

export { noGrad } from './tape.js';

/** Run f under a fresh tape watching `xs`; returns f's output and the tape (caller releases). */
function traced(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  op: string,
): { y: Tensor; tape: Tape } {
  xs.forEach((x, i) => {
    checkTensor(op, `x[${i}]`, x);
    if (x.dtype !== 'float32') {
      throw new DTypeError(
        `${op}: argument ${i} is ${x.dtype}; only float32 tensors have gradients`,
      );
    }
  });
  if (activeTape()) {
    // The inner backward pass is not recorded on the outer tape, so an outer gradient through
    // it would be silently incomplete. Higher-order gradients are not supported: say so.
    throw new ArgumentError(
      `${op}: called while another gradient is being traced; higher-order gradients (grad of grad) are not supported`,
    );
  }
  const tape = new Tape();
  for (const x of xs) tape.watched.add(x.id);
  pushTape(tape);
  let y: Tensor;
  try {
    // Intermediates of f die with this tidy; the tape pins what backward needs.
    y = tidy(() => {
      const out = f(...xs);
      if (!(out instanceof Tensor)) throw new ArgumentError(`${op}: f must return a Tensor`);
      // A fresh handle (recorded as an identity when watched): f may return one of its inputs
      // or a tensor from outside, and the caller disposes the value we hand back.
      return reshape(out, out.shape);
    });
  } catch (err) {
    popTape();
    tape.release();
    throw err;
  }
  popTape();
  return { y, tape };
}

/** Replay the tape from `y` with cotangent `dy`; returns the gradient for each of xs. */
function backward(tape: Tape, y: Tensor, dy: Tensor, xs: readonly Tensor[]): Tensor[] {
  return noGrad(() =>
    tidy(() => {
      const grads = new Map<number, Tensor>([[y.id, dy]]);
      for (let i = tape.nodes.length - 1; i >= 0; i--) {
        const node = tape.nodes[i];
        const g = grads.get(node.outputId);
        if (!g) continue;
        const needs = node.inputIds.map((id) => tape.watched.has(id));
        const inputGrads = tidy(() => node.vjp(g, node.saved, needs) as (Tensor | null)[]);
        node.inputIds.forEach((id, j) => {
          const gi = inputGrads[j];
          if (!gi || !tape.watched.has(id)) return;
          const prev = grads.get(id);
          grads.set(id, prev ? add(prev, gi) : gi);
        });
      }
      // Inputs the output does not depend on get zeros, never undefined.
      // Each input gets its own handle, even where VJPs passed one tensor along several paths.
      const handedOut = new Set<Tensor>([dy]);
      return xs.map((x) => {
        const g = grads.get(x.id);
        if (!g) return fillOn(x.backend, x.shape, 0, 'float32');
        if (handedOut.has(g)) return shareData(g, g.shape);
        handedOut.add(g);
        return g;
      });
    }),
  );
}

function checkScalar(op: string, y: Tensor): void {
  if (y.size !== 1 || y.dtype !== 'float32') {
    throw new ShapeError(
      `${op}: f must return a float32 scalar (size 1) to take a gradient, got ${formatShape(y.shape)} ${y.dtype}; ` +
        `use vjp(f, xs, dy) for non-scalar outputs`,
    );
  }
}

/** The value of f(...xs) and the gradient of that scalar with respect to each x. */
export function valueAndGrad(
  f: (...xs: Tensor[]) => Tensor,
): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs) => {
    const { y, tape } = traced(f, xs, 'valueAndGrad');
    try {
      checkScalar('valueAndGrad', y);
      const dy = fillOn(y.backend, y.shape, 1, 'float32');
      try {
        return { value: y, grads: backward(tape, y, dy, xs) };
      } finally {
        dy.dispose();
      }
    } catch (err) {
      y.dispose();
      throw err;
    } finally {
      tape.release();
    }
  };
}

/** Gradients of the scalar f(...xs) with respect to each x (the value is discarded). */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...xs) => {
    const { value, grads } = vg(...xs);
    value.dispose();
    return grads;
  };
}

/** Vector-Jacobian product: the output f(...primals) and cotangent^T · J for each primal. */
export function vjp(
  f: (...xs: Tensor[]) => Tensor,
  primals: readonly Tensor[],
  cotangent: Tensor,
): { value: Tensor; grads: Tensor[] } {
  checkTensor('vjp', 'cotangent', cotangent);
  const { y, tape } = traced(f, primals, 'vjp');
  try {
    if (
      cotangent.shape.length !== y.shape.length ||
      cotangent.shape.some((d, i) => d !== y.shape[i])
    ) {
      throw new ShapeError(
        `vjp: 'cotangent' ${formatShape(cotangent.shape)} must match the output shape ${formatShape(y.shape)}`,
      );
    }
    return { value: y, grads: backward(tape, y, cotangent, primals) };
  } catch (err) {
    y.dispose();
    throw err;
  } finally {
    tape.release();
  }
}

/** The same values with no gradient flowing back through them. */
export function stopGradient(x: Tensor): Tensor {
  checkTensor('stopGradient', 'x', x);
  return noGrad(() => shareData(x, x.shape));
}
