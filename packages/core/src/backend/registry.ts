/**
 * Which backends exist, which one runs ops, and why the others do not.
 *
 * `registerBackend` only records a factory; nothing initialises until `setBackend`/`ready`
 * or the first op asks for the active backend. The default is the highest-priority backend
 * whose factory succeeds; every backend skipped on the way is reported (never a silent fallback).
 */
import { BackendError } from '../errors.js';
import { checkOptions, opt } from '../options.js';
import type { Backend, BackendFactory } from './backend.js';

export interface RegisterOptions {
  /** Higher wins when choosing the default backend. cpu is 1, native 2, webgpu 3. */
  priority?: number;
}

export interface BackendStatus {
  readonly name: string;
  readonly priority: number;
  /** True when the backend initialised; false when it failed; undefined when not tried yet. */
  readonly available: boolean | undefined;
  /** Why it is unavailable (the factory's error), when it is. */
  readonly reason?: string;
  readonly active: boolean;
  /** The device is a software emulation; the default choice passes it over when it can. */
  readonly softwareEmulated?: boolean;
}

interface Entry {
  name: string;
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  failure?: string;
}

const entries = new Map<string, Entry>();
let active: Backend | undefined;
let noticeHandler: (message: string) => void = (message) => console.warn(message);

export function registerBackend(
  name: string,
  factory: BackendFactory,
  options: RegisterOptions = {},
): void {
  checkOptions('registerBackend', options, { priority: opt.number() });
  const existing = entries.get(name);
  if (existing?.instance) existing.instance.destroy?.();
  entries.set(name, { name, factory, priority: options.priority ?? 0 });
  if (active?.name === name) active = undefined;
}

/** Where fallback notices go (default `console.warn`); pass `() => {}` to silence them. */
export function setNoticeHandler(handler: (message: string) => void): void {
  noticeHandler = handler;
}

async function initialise(entry: Entry): Promise<Backend | undefined> {
  if (entry.instance) return entry.instance;
  if (entry.failure !== undefined) return undefined;
  try {
    entry.instance = await entry.factory();
    return entry.instance;
  } catch (err) {
    entry.failure = err instanceof Error ? err.message : String(err);
    return undefined;
  }
}

/** Make `name` the active backend, initialising it if needed. Throws BackendError with the reason. */
export async function setBackend(name: string): Promise<Backend> {
  const entry = entries.get(name);
  if (!entry) {
    const known = [...entries.keys()].join(', ') || 'none';
    throw new BackendError(
      `setBackend: no backend named '${name}' is registered (registered: ${known}). ` +
        `Import its package, e.g. import '@tessera/backend-${name}'.`,
    );
  }
  const backend = await initialise(entry);
  if (!backend) {
    throw new BackendError(`setBackend: backend '${name}' is unavailable: ${entry.failure}`);
  }
  active = backend;
  return backend;
}

function byPriority(): Entry[] {
  return [...entries.values()].sort((a, b) => b.priority - a.priority);
}

/**
 * Initialise the default backend if none is active: the highest priority that works.
 * Prints one notice per skipped backend so a fallback is never silent.
 */
export async function ready(): Promise<Backend> {
  if (active) return active;
  const skipped: string[] = [];
  let emulated: Backend | undefined;
  for (const entry of byPriority()) {
    const backend = await initialise(entry);
    if (!backend) {
      skipped.push(`'${entry.name}' (${entry.failure})`);
      continue;
    }
    if (backend.softwareEmulated) {
      // Usable, but a real CPU backend of lower priority will be faster: keep looking.
      emulated ??= backend;
      continue;
    }
    if (emulated)
      skipped.push(
        `'${emulated.name}' (software-emulated device; setBackend('${emulated.name}') uses it)`,
      );
    return choose(backend, skipped);
  }
  if (emulated) return choose(emulated, skipped);
  throw noBackendError(skipped);
}

function noBackendError(skipped: readonly string[]): BackendError {
  return new BackendError(
    entries.size === 0
      ? 'No backend is registered. Import one, e.g. `import "@tessera/backend-cpu"`.'
      : `No registered backend could initialise: ${skipped.join('; ')}`,
  );
}

function choose(backend: Backend, skipped: readonly string[]): Backend {
  if (skipped.length > 0) {
    noticeHandler(`tessera: using backend '${backend.name}'; skipped ${skipped.join('; ')}`);
  }
  active = backend;
  return backend;
}

/**
 * The active backend. Synchronous factories are initialised on demand; an async one must be
 * awaited first with `await ready()` or `await setBackend(name)`.
 */
export function getBackend(): Backend {
  if (active) return active;
  const skipped: string[] = [];
  let emulated: Backend | undefined;
  for (const entry of byPriority()) {
    if (!entry.instance && entry.failure === undefined) {
      let result: Backend | Promise<Backend>;
      try {
        result = entry.factory();
      } catch (err) {
        entry.failure = err instanceof Error ? err.message : String(err);
        skipped.push(`'${entry.name}' (${entry.failure})`);
        continue;
      }
      if (result instanceof Promise) {
        // Keep the promise's outcome for later; this call cannot wait for it.
        result.then(
          (b) => (entry.instance = b),
          (err: unknown) => (entry.failure = err instanceof Error ? err.message : String(err)),
        );
        throw new BackendError(
          `Backend '${entry.name}' initialises asynchronously: call \`await ready()\` or ` +
            `\`await setBackend('${entry.name}')\` before running ops.`,
        );
      }
      entry.instance = result;
    }
    if (entry.instance?.softwareEmulated) {
      emulated ??= entry.instance;
      continue;
    }
    if (entry.instance) {
      if (emulated)
        skipped.push(
          `'${emulated.name}' (software-emulated device; setBackend('${emulated.name}') uses it)`,
        );
      return choose(entry.instance, skipped);
    }
    skipped.push(`'${entry.name}' (${entry.failure})`);
  }
  if (emulated) return choose(emulated, skipped);
  throw noBackendError(skipped);
}

/** Every registered backend with its availability; `probe` initialises each to find out. */
export async function listBackends(options: { probe?: boolean } = {}): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const entry of byPriority()) {
    if (options.probe !== false) await initialise(entry);
    out.push({
      name: entry.name,
      priority: entry.priority,
      available: entry.instance ? true : entry.failure !== undefined ? false : undefined,
      ...(entry.failure !== undefined ? { reason: entry.failure } : {}),
      active: active !== undefined && active === entry.instance,
      ...(entry.instance?.softwareEmulated ? { softwareEmulated: true } : {}),
    });
  }
  return out;
}

/** An initialised backend by name (for tests and tools); throws when unavailable. */
export async function findBackend(name: string): Promise<Backend> {
  const entry = entries.get(name);
  if (!entry) throw new BackendError(`findBackend: no backend named '${name}' is registered`);
  const backend = await initialise(entry);
  if (!backend) throw new BackendError(`Backend '${name}' is unavailable: ${entry.failure}`);
  return backend;
}

/** Destroy a backend's device and forget its instance (it may be initialised again). */
export function removeBackendInstance(name: string): void {
  const entry = entries.get(name);
  if (!entry?.instance) return;
  if (active === entry.instance) active = undefined;
  entry.instance.destroy?.();
  delete entry.instance;
}
