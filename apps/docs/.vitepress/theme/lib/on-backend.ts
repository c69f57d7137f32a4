/**
 * Run a measurement on each backend in turn (timing and benchmark demos), then return to the
 * page's backend. The switcher is locked meanwhile so nothing else moves tensors around.
 */
import { getBackend, setBackend } from '@tessera/core';
import { initTessera, runtime } from './runtime';

export async function forEachBackend<T>(
  names: readonly string[],
  fn: (name: string) => Promise<T>,
  onResult?: (name: string, value: T) => void,
): Promise<Map<string, T | Error>> {
  await initTessera();
  const original = getBackend().name;
  const results = new Map<string, T | Error>();
  runtime.lockedBy =
    'A measurement is running on each backend in turn; the switcher is paused until it finishes.';
  try {
    for (const name of names) {
      try {
        await setBackend(name);
        const value = await fn(name);
        results.set(name, value);
        onResult?.(name, value);
      } catch (err) {
        results.set(name, err instanceof Error ? err : new Error(String(err)));
      }
    }
  } finally {
    await setBackend(original);
    runtime.lockedBy = '';
  }
  return results;
}

export function availableBackends(): string[] {
  return runtime.options.filter((o) => o.available).map((o) => o.name);
}
