/** Pick the backend for train/eval: the one named by --backend, else the best that initialises. */
import { ready, setBackend, setNoticeHandler, type Backend } from '@tessera/core';
import { UsageError } from './args.js';
import { loadBackends } from './load-backends.js';

export async function chooseBackend(
  name: string | undefined,
  log: (line: string) => void,
): Promise<Backend> {
  const notices: string[] = [];
  setNoticeHandler((m) => notices.push(m));
  const failures = await loadBackends();
  let backend: Backend;
  if (name !== undefined) {
    try {
      backend = await setBackend(name);
    } catch (err) {
      const extra = failures
        .map((f) => ` (package ${f.packageName} could not be imported: ${f.reason})`)
        .join('');
      throw new UsageError(
        `--backend ${name}: ${err instanceof Error ? err.message : String(err)}${extra}`,
      );
    }
  } else {
    backend = await ready();
  }
  // A fallback is never silent: say which backends were skipped and why.
  for (const n of notices) log(n);
  return backend;
}
