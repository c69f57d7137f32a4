/**
 * NumPy broadcasting as a walk over contiguous runs.
 *
 * Each operand gets element strides over the output's axes (0 where it is broadcast). Adjacent
 * axes are merged whenever every operand is contiguous across them, so "same shape" becomes one
 * run over everything, "scalar" one run with stride 0, and "[M, N] + [N]" M runs of N with both
 * strides 1: the fast paths fall out of the plan instead of being special-cased.
 */

export interface BroadcastPlan {
  /** Merged output dims (at least one). */
  readonly dims: number[];
  /** strides[k][d]: step of operand k along merged dim d (0 when broadcast). */
  readonly strides: number[][];
}

/** Strides of `shape` (right-aligned) over `outShape`, 0 on broadcast axes. */
function stridesOver(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const offset = rank - shape.length;
  const s = new Array<number>(rank).fill(0);
  let step = 1;
  for (let d = rank - 1; d >= offset; d--) {
    const n = shape[d - offset];
    s[d] = n === 1 ? 0 : step;
    step *= n;
  }
  return s;
}

export function planBroadcast(
  outShape: readonly number[],
  shapes: readonly (readonly number[])[],
): BroadcastPlan {
  const full = shapes.map((s) => stridesOver(s, outShape));
  const dims: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    const n = outShape[d];
    if (n === 1) continue; // size-1 axes contribute nothing to the walk
    const last = dims.length - 1;
    // Merge with the previous axis when every operand steps through both as one.
    const mergeable = last >= 0 && full.every((s, k) => strides[k][last] === s[d] * n);
    if (mergeable) {
      dims[last] *= n;
      for (let k = 0; k < full.length; k++) strides[k][last] = full[k][d];
    } else {
      dims.push(n);
      for (let k = 0; k < full.length; k++) strides[k].push(full[k][d]);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of strides) s.push(0);
  }
  return { dims, strides };
}

/**
 * Walks every axis but the last of a plan, keeping one flat offset per operand.
 * Usage: `for (let r = 0; r < od.runs; r++) { use(od.offsets); od.next(); }`
 */
export class Odometer {
  readonly offsets: number[];
  readonly runs: number;
  private readonly idx: number[];

  constructor(
    private readonly dims: readonly number[],
    private readonly strides: readonly (readonly number[])[],
  ) {
    this.offsets = strides.map(() => 0);
    this.idx = new Array<number>(Math.max(0, dims.length - 1)).fill(0);
    let runs = 1;
    for (let d = 0; d < dims.length - 1; d++) runs *= dims[d];
    this.runs = runs;
  }

  next(): void {
    const { idx, dims, strides, offsets } = this;
    for (let d = idx.length - 1; d >= 0; d--) {
      idx[d]++;
      if (idx[d] < dims[d]) {
        for (let k = 0; k < offsets.length; k++) offsets[k] += strides[k][d];
        return;
      }
      idx[d] = 0;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= strides[k][d] * (dims[d] - 1);
    }
  }
}
