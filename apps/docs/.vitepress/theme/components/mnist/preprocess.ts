/**
 * Turn a drawing into an MNIST-like 28x28 image: MNIST digits are scaled so their bounding
 * box fits 20x20 (aspect kept) and centred by centre of mass in the 28x28 frame.
 */
export function toMnist(src: HTMLCanvasElement): Float32Array | undefined {
  const w = src.width;
  const h = src.height;
  const ctx = src.getContext('2d', { willReadFrequently: true });
  if (!ctx) return undefined;
  const { data } = ctx.getImageData(0, 0, w, h);
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (data[(y * w + x) * 4] > 30) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  if (maxX < 0) return undefined;
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = document.createElement('canvas');
  small.width = small.height = 28;
  const sctx = small.getContext('2d', { willReadFrequently: true });
  if (!sctx) return undefined;
  sctx.fillStyle = '#000';
  sctx.fillRect(0, 0, 28, 28);
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  const ox = Math.round((28 - tw) / 2);
  const oy = Math.round((28 - th) / 2);
  sctx.drawImage(src, minX, minY, bw, bh, ox, oy, tw, th);
  const px = sctx.getImageData(0, 0, 28, 28).data;
  const img = new Float32Array(28 * 28);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < 28 * 28; i++) {
    const v = px[i * 4] / 255;
    img[i] = v;
    mass += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  }
  if (mass === 0) return undefined;
  // Shift so the centre of mass lands on the centre (13.5, 13.5).
  const dx = Math.round(13.5 - cx / mass);
  const dy = Math.round(13.5 - cy / mass);
  const out = new Float32Array(28 * 28);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) out[y * 28 + x] = img[sy * 28 + sx];
    }
  return out;
}
