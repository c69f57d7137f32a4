/**
 * The one loop every kernel of this backend is written with: walk an N-d index space and, for
 * each point, hand the body one flat offset per view. A view is an offset plus a stride per
 * axis, so a single helper covers broadcasting (stride 0), transposes (permuted strides),
 * slices (an offset), matmul (a 4-d loop over batch, m, n, k) and im2col (a 6-d view of a padded
 * image).
 */
export interface View {
  readonly offset: number;
  readonly strides: readonly number[];
}

export const view = (strides: readonly number[], offset = 0): View => ({ offset, strides });

/** Row-major strides of a contiguous array of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** A contiguous array of `shape` seen with the shape `outShape` (NumPy broadcasting: stride 0). */
export function broadcastView(shape: readonly number[], outShape: readonly number[]): View {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  const strides = outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
  return view(strides);
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Calls `body(offsets, step)` for every index of `shape` in row-major order. */
export function forEach(
  shape: readonly number[],
  views: readonly View[],
  body: (offsets: number[], step: number) => void,
): void {
  const total = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  const offsets = views.map((v) => v.offset);
  for (let step = 0; step < total; step++) {
    body(offsets, step);
    // Increment the multi-index like an odometer and move every offset along with it.
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      idx[axis]++;
      views.forEach((v, i) => (offsets[i] += v.strides[axis]));
      if (idx[axis] < shape[axis]) break;
      views.forEach((v, i) => (offsets[i] -= v.strides[axis] * shape[axis]));
      idx[axis] = 0;
    }
  }
}
