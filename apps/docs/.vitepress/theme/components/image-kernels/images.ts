/**
 * Sample images, drawn procedurally (no files to ship or fetch) and read back as grayscale
 * 0..255 values; or the user's own picture, scaled down in the browser.
 */
export const SIZE = 64;

export interface SampleImage {
  id: string;
  label: string;
  draw: (ctx: CanvasRenderingContext2D, s: number) => void;
}

export const SAMPLES: SampleImage[] = [
  {
    id: 'shapes',
    label: 'Shapes',
    draw(ctx, s) {
      const g = ctx.createLinearGradient(0, 0, s, s);
      g.addColorStop(0, '#2a2a2a');
      g.addColorStop(1, '#9a9a9a');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, s, s);
      ctx.fillStyle = '#f2f2f2';
      ctx.beginPath();
      ctx.arc(s * 0.3, s * 0.32, s * 0.17, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#111';
      ctx.save();
      ctx.translate(s * 0.7, s * 0.68);
      ctx.rotate(Math.PI / 7);
      ctx.fillRect(-s * 0.15, -s * 0.15, s * 0.3, s * 0.3);
      ctx.restore();
      ctx.fillStyle = '#d0d0d0';
      ctx.beginPath();
      ctx.moveTo(s * 0.12, s * 0.9);
      ctx.lineTo(s * 0.45, s * 0.9);
      ctx.lineTo(s * 0.28, s * 0.58);
      ctx.closePath();
      ctx.fill();
      ctx.fillStyle = '#fff';
      for (let i = 0; i < 4; i++)
        ctx.fillRect(s * 0.62 + i * s * 0.07, s * 0.1, s * 0.03, s * 0.28);
    },
  },
  {
    id: 'rings',
    label: 'Rings',
    draw(ctx, s) {
      const img = ctx.createImageData(s, s);
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++) {
          const r = Math.hypot(x - s / 2 + 0.5, y - s / 2 + 0.5);
          const v = 128 + 120 * Math.cos(r * r * 0.012);
          const i = (y * s + x) * 4;
          img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
          img.data[i + 3] = 255;
        }
      ctx.putImageData(img, 0, 0);
    },
  },
  {
    id: 'letters',
    label: 'Letters',
    draw(ctx, s) {
      ctx.fillStyle = '#f4f4f4';
      ctx.fillRect(0, 0, s, s);
      ctx.fillStyle = '#151515';
      ctx.font = `bold ${Math.round(s * 0.5)}px Georgia, 'Times New Roman', serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('Ts', s * 0.5, s * 0.42);
      ctx.fillStyle = '#6a6a6a';
      ctx.fillRect(s * 0.1, s * 0.78, s * 0.8, s * 0.06);
    },
  },
  {
    id: 'noisy',
    label: 'Noisy square',
    draw(ctx, s) {
      const img = ctx.createImageData(s, s);
      let seed = 7;
      const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++) {
          const inside = x > s * 0.25 && x < s * 0.75 && y > s * 0.25 && y < s * 0.75;
          const v = (inside ? 190 : 60) + (rnd() - 0.5) * 110;
          const i = (y * s + x) * 4;
          img.data[i] = img.data[i + 1] = img.data[i + 2] = Math.max(0, Math.min(255, v));
          img.data[i + 3] = 255;
        }
      ctx.putImageData(img, 0, 0);
    },
  },
];

function toGray(ctx: CanvasRenderingContext2D, s: number): Float32Array {
  const { data } = ctx.getImageData(0, 0, s, s);
  const out = new Float32Array(s * s);
  for (let i = 0; i < s * s; i++)
    out[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
  return out;
}

function scratch(s: number): CanvasRenderingContext2D {
  const c = document.createElement('canvas');
  c.width = c.height = s;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2-D canvas is not available');
  return ctx;
}

export function sampleGray(sample: SampleImage, s = SIZE): Float32Array {
  const ctx = scratch(s);
  sample.draw(ctx, s);
  return toGray(ctx, s);
}

/** The user's file, centre-cropped to a square and scaled to s x s (stays in the browser). */
export async function fileGray(file: File, s = SIZE): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file);
  const side = Math.min(bitmap.width, bitmap.height);
  const ctx = scratch(s);
  ctx.drawImage(
    bitmap,
    (bitmap.width - side) / 2,
    (bitmap.height - side) / 2,
    side,
    side,
    0,
    0,
    s,
    s,
  );
  bitmap.close();
  return toGray(ctx, s);
}

export interface KernelPreset {
  id: string;
  label: string;
  values: number[];
}

export const KERNELS: KernelPreset[] = [
  { id: 'identity', label: 'Identity', values: [0, 0, 0, 0, 1, 0, 0, 0, 0] },
  {
    id: 'blur',
    label: 'Box blur',
    values: [1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
  },
  {
    id: 'gaussian',
    label: 'Gaussian blur',
    values: [0.0625, 0.125, 0.0625, 0.125, 0.25, 0.125, 0.0625, 0.125, 0.0625],
  },
  { id: 'sharpen', label: 'Sharpen', values: [0, -1, 0, -1, 5, -1, 0, -1, 0] },
  { id: 'outline', label: 'Edge (outline)', values: [-1, -1, -1, -1, 8, -1, -1, -1, -1] },
  { id: 'sobel-x', label: 'Sobel x', values: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  { id: 'sobel-y', label: 'Sobel y', values: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  { id: 'emboss', label: 'Emboss', values: [-2, -1, 0, -1, 1, 1, 0, 1, 2] },
];
