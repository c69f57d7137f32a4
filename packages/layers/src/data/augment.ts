/**
 * Data augmentation on the host, applied to each batch before it becomes a tensor. With only
 * 8,000 training digits, random shifts of a pixel or two are the cheapest way to generalise
 * better (the test set's digits are not all centred the same way).
 */
import { ArgumentError, type Rng } from '@tessera/core';

/** Changes `images` (count examples of [C, H, W], example-major) in place. */
export type Augmentation = (
  images: Float32Array,
  count: number,
  imageShape: readonly [number, number, number],
  rng: Rng,
) => void;

/**
 * Shift each image by a random whole number of pixels in [-maxShift, maxShift] on each axis,
 * filling the uncovered border with 0 (the background of MNIST-style images).
 */
export function randomShift(maxShift: number): Augmentation {
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new ArgumentError(
      `randomShift: 'maxShift' must be a non-negative integer, got ${maxShift}`,
    );
  }
  return (images, count, [c, h, w], rng) => {
    if (maxShift === 0) return;
    const per = c * h * w;
    const src = new Float32Array(per);
    for (let i = 0; i < count; i++) {
      const dy = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
      const dx = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
      if (dx === 0 && dy === 0) continue;
      const img = images.subarray(i * per, (i + 1) * per);
      src.set(img);
      img.fill(0);
      for (let ch = 0; ch < c; ch++) {
        for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
          const from = ch * h * w + (r - dy) * w;
          const to = ch * h * w + r * w;
          for (let col = Math.max(0, dx); col < Math.min(w, w + dx); col++)
            img[to + col] = src[from + col - dx];
        }
      }
    }
  };
}
