/**
 * Pick the backend for train/eval: the one named by --backend, else the best that initialises.
 * A fallback is never silent, but it is one short line: which backends were passed over and the
 * first words of why; `tessera backends` prints the full reasons and how to fix them.
 */
import {
  BackendError,
  listBackends,
  ready,
  setBackend,
  setNoticeHandler,
  type Backend,
  type BackendStatus,
} from '@tessera/core';
import { UsageError } from './args.js';
import { loadBackends } from './load-backends.js';

/** The first clause of a reason ("no WebGPU adapter"), without the advice that follows it. */
export function shortReason(reason: string, name: string): string {
  let text = reason.startsWith(`${name}: `) ? reason.slice(name.length + 2) : reason;
  const cut = [text.indexOf('. '), text.indexOf(' ('), text.indexOf('; ')].filter((i) => i > 0);
  if (cut.length > 0) text = text.slice(0, Math.min(...cut));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** One line naming the backends ranked above `chosen` that were passed over, or undefined. */
export function skipNotice(chosen: string, statuses: readonly BackendStatus[]): string | undefined {
  const rank = statuses.find((s) => s.name === chosen)?.priority ?? -Infinity;
  const skipped = statuses
    .filter((s) => s.name !== chosen && s.priority > rank)
    .map((s) =>
      s.available
        ? s.softwareEmulated
          ? `${s.name} (software renderer, slower than ${chosen})`
          : undefined
        : `${s.name} (${shortReason(s.reason ?? 'not initialised', s.name)})`,
    )
    .filter((s): s is string => s !== undefined);
  if (skipped.length === 0) return undefined;
  return `tessera: backend ${chosen}; skipped ${skipped.join(', ')}: see \`tessera backends\``;
}

/** The backend's name, plus its device where it has one (a WebGPU adapter). */
export function describeBackend(backend: Backend): string {
  const adapter = (backend as { adapterDescription?: unknown }).adapterDescription;
  return typeof adapter === 'string' && adapter.length > 0
    ? `${backend.name} (${adapter})`
    : backend.name;
}

export async function chooseBackend(
  name: string | undefined,
  log: (line: string) => void,
): Promise<Backend> {
  // Core's own notice carries every full reason; the CLI prints its one-line form instead.
  setNoticeHandler(() => {});
  const failures = await loadBackends();
  if (name === undefined) {
    const backend = await ready();
    const notice = skipNotice(backend.name, await listBackends({ probe: false }));
    if (notice) log(notice);
    return backend;
  }
  const names = (await listBackends({ probe: false })).map((s) => s.name);
  if (!names.includes(name)) {
    const extra = failures.map((f) => `; package ${f.packageName} could not be imported`).join('');
    throw new UsageError(
      `--backend ${name}: no such backend (backends: ${names.join(', ')}${extra})`,
    );
  }
  try {
    return await setBackend(name);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BackendError(`--backend ${name}: ${why.replace(/^setBackend: /, '')}`);
  }
}
