/** Isometric boxes for activation volumes (H x W x C), laid out left to right. */
export interface Volume {
  h: number;
  w: number;
  c: number;
  label: string;
  /** Kernel drawn inside this volume (the filter that produces the next one). */
  kernel?: { k: number; kEff: number };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  d: number;
  vol: Volume;
  kernel?: { x: number; y: number; w: number; h: number; d: number };
}

const ANGLE = Math.PI / 6;
export const DX = Math.cos(ANGLE);
export const DY = Math.sin(ANGLE);

/** Pixel sizes: spatial dims linear in the largest volume, depth logarithmic in channels. */
export function layout(
  volumes: Volume[],
  maxSide = 150,
  gap = 70,
): { boxes: Box[]; width: number; height: number } {
  const maxDim = Math.max(...volumes.map((v) => Math.max(v.h, v.w)));
  const side = (n: number) => Math.max(10, (n / maxDim) * maxSide);
  const depth = (c: number) => Math.min(110, 6 + 16 * Math.log2(c + 1));
  let x = 20;
  const top = 24;
  const boxes: Box[] = [];
  let height = 0;
  for (const vol of volumes) {
    const w = side(vol.w);
    const h = side(vol.h);
    const d = depth(vol.c);
    const y = top + d * DY;
    const box: Box = { x, y, w, h, d, vol };
    if (vol.kernel) {
      const kw = Math.max(4, side(vol.kernel.kEff) * (w / side(vol.w)));
      box.kernel = {
        x: x + w * 0.12,
        y: y + h * 0.12,
        w: Math.min(kw, w * 0.8),
        h: Math.min(kw, h * 0.8),
        d,
      };
    }
    boxes.push(box);
    height = Math.max(height, y + h + 46);
    x += w + d * DX + gap;
  }
  return { boxes, width: x - gap + 20, height };
}

/** SVG polygon points of the front, top and side faces of a box. */
export function faces(b: { x: number; y: number; w: number; h: number; d: number }): {
  front: string;
  top: string;
  side: string;
} {
  const ox = b.d * DX;
  const oy = -b.d * DY;
  const p = (x: number, y: number) => `${x.toFixed(1)},${y.toFixed(1)}`;
  return {
    front: [p(b.x, b.y), p(b.x + b.w, b.y), p(b.x + b.w, b.y + b.h), p(b.x, b.y + b.h)].join(' '),
    top: [p(b.x, b.y), p(b.x + ox, b.y + oy), p(b.x + b.w + ox, b.y + oy), p(b.x + b.w, b.y)].join(
      ' ',
    ),
    side: [
      p(b.x + b.w, b.y),
      p(b.x + b.w + ox, b.y + oy),
      p(b.x + b.w + ox, b.y + b.h + oy),
      p(b.x + b.w, b.y + b.h),
    ].join(' '),
  };
}
