/** Small helpers the demos share for moving data between the host and Tessera. */
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import type { Tensor } from '@tessera/core';
import { initTessera, runtime } from './runtime';

/**
 * Read a float32 tensor back (async: WebGPU cannot read synchronously) and dispose it.
 * Backends return a fresh, ArrayBuffer-backed copy (never shared memory), hence the cast.
 */
export async function take(t: Tensor): Promise<Float32Array<ArrayBuffer>> {
  try {
    return (await t.data()) as Float32Array<ArrayBuffer>;
  } finally {
    t.dispose();
  }
}

/**
 * Run `compute` when the demo mounts, whenever one of `sources` changes and whenever the
 * backend switches. Runs never overlap; a change during a run schedules one more run, so
 * the last input always wins and stale results are never shown.
 */
export function useComputation(compute: () => Promise<void>, sources: () => unknown): void {
  let running = false;
  let again = false;
  let alive = true;
  async function run(): Promise<void> {
    if (!runtime.ready || !alive) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await compute();
      } while (again && alive);
    } catch (err) {
      console.error(err);
    } finally {
      running = false;
    }
  }
  onMounted(async () => {
    await initTessera();
    await run();
  });
  onBeforeUnmount(() => {
    alive = false;
  });
  watch([sources, () => runtime.version], () => void run(), { deep: true });
}

/** Time an async computation in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export function formatMs(ms: number): string {
  return ms < 1
    ? `${(ms * 1000).toFixed(0)} µs`
    : ms < 100
      ? `${ms.toFixed(1)} ms`
      : `${ms.toFixed(0)} ms`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes as B / KB / MB / GB / TB (powers of 1000, as the lecture's "4 MB" and "671 GB"). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Short human form: 1.6B, 4M, 10K. */
export function formatShort(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${+(n / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${+(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/**
 * False during the server render and hydration, true once mounted. Text that depends on the
 * browser's runtime (the active backend) waits for it, so hydration matches the server HTML.
 */
export function useMounted(): Ref<boolean> {
  const mounted = ref(false);
  onMounted(() => (mounted.value = true));
  return mounted;
}
