/**
 * The gradient tape. While `grad`/`vjp` runs a function, each op whose inputs depend on a watched
 * tensor records one node: which tensors went in, which came out, and its vector-Jacobian
 * product. Backward replays the nodes in reverse. Nothing is recorded when no tape is active.
 *
 * A node holds its own handles on the tensors its VJP needs ("saved"), outside every tidy scope,
 * so user code may dispose intermediates freely; the tape releases the handles when done.
 */
import { makeTensorUnscoped } from '../engine.js';
import type { Tensor } from '../tensor.js';

/** Gradients for each input, in order; null where the input gets no gradient. */
/**
 * `needs[i]` says whether input i gets a gradient at all (it depends on a watched tensor);
 * a rule may return null for inputs that do not, skipping work (e.g. conv's input gradient
 * for the image batch).
 */
export type VjpFn = (
  dy: Tensor,
  saved: readonly Tensor[],
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

export interface TapeNode {
  readonly op: string;
  readonly inputIds: readonly number[];
  readonly outputId: number;
  readonly outputShape: readonly number[];
  readonly saved: readonly Tensor[];
  readonly vjp: VjpFn;
}

export class Tape {
  readonly nodes: TapeNode[] = [];
  readonly watched = new Set<number>();

  release(): void {
    for (const node of this.nodes) for (const t of node.saved) t.dispose();
    this.nodes.length = 0;
  }
}

const tapes: Tape[] = [];
let paused = 0;

export function activeTape(): Tape | undefined {
  return paused > 0 ? undefined : tapes[tapes.length - 1];
}

/** `paused` outside each pushed tape: grad() called inside noGrad() must still record its own f. */
const pausedOutside: number[] = [];

export function pushTape(tape: Tape): void {
  tapes.push(tape);
  pausedOutside.push(paused);
  paused = 0;
}

export function popTape(): void {
  tapes.pop();
  paused = pausedOutside.pop() ?? 0;
}

/** Run `fn` with recording switched off (optimiser updates, metrics, backward itself). */
export function noGrad<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}

/**
 * Record an op if any input is watched. `saved` lists the tensors the VJP reads (usually some of
 * the inputs and the output); they are pinned until the tape is released.
 */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  saved: readonly Tensor[],
  vjp: VjpFn,
): void {
  const tape = activeTape();
  if (!tape) return;
  if (!inputs.some((t) => tape.watched.has(t.id))) return;
  if (output.dtype !== 'float32') return; // int32 results carry no gradient
  tape.watched.add(output.id);
  tape.nodes.push({
    op,
    inputIds: inputs.map((t) => t.id),
    outputId: output.id,
    outputShape: output.shape,
    saved: saved.map((t) => makeTensorUnscoped(t.dataId, t.shape, t.dtype, t.backend)),
    vjp,
  });
}
