/**
 * The page-wide Tessera runtime: which backend runs the demos, which ones exist here, and
 * the notice shown when the preferred one (WebGPU) is unavailable.
 *
 * Importing the backend packages registers them; core picks the highest-priority backend
 * that initialises (webgpu, then cpu) and reports every skip through the notice handler,
 * which we surface in the UI instead of the console. A user's explicit choice is kept in
 * localStorage and can be forced with `?backend=cpu` in the URL (the browser tests use it).
 */
import { reactive } from 'vue';
import {
  findBackend,
  getBackend,
  listBackends,
  ready,
  setBackend,
  setNoticeHandler,
  type BackendStatus,
} from '@tessera/core';
import '@tessera/backend-cpu';
import { WebGPUBackend } from '@tessera/backend-webgpu';

export interface BackendOption {
  readonly name: string;
  readonly label: string;
  readonly available: boolean;
  readonly reason?: string;
  /** For WebGPU: the adapter (vendor / architecture / device), shown as a tooltip. */
  readonly detail?: string;
}

const LABELS: Record<string, string> = { webgpu: 'WebGPU', cpu: 'CPU · JS', native: 'Native' };
const STORAGE_KEY = 'tessera-docs-backend';

export const runtime = reactive({
  /** True once a backend is active. */
  ready: false,
  active: '',
  options: [] as BackendOption[],
  /** Why the page is not on the preferred backend, or empty; `noticeDetail` holds the raw reason. */
  notice: '',
  noticeDetail: '',
  error: '',
  switching: false,
  /** Bumped on every switch: demos watch it and recompute on the new backend. */
  version: 0,
  /** When set, a demo holds tensors on the active backend and switching is paused (the text says why). */
  lockedBy: '',
});

let initPromise: Promise<void> | undefined;

/** The WebGPU adapter's description, when the webgpu backend initialised. */
async function webgpuAdapter(): Promise<string | undefined> {
  try {
    const b = await findBackend('webgpu');
    return b instanceof WebGPUBackend ? b.ctx.adapterDescription : undefined;
  } catch {
    return undefined;
  }
}

async function describe(statuses: BackendStatus[]): Promise<BackendOption[]> {
  const adapter = await webgpuAdapter();
  return statuses.map((s) => ({
    name: s.name,
    label: LABELS[s.name] ?? s.name,
    available: s.available === true,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.name === 'webgpu' && adapter ? { detail: adapter } : {}),
  }));
}

function requestedBackend(): string | undefined {
  const fromUrl = new URLSearchParams(window.location.search).get('backend');
  if (fromUrl) return fromUrl;
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function explainFallback(options: BackendOption[], active: string): [string, string] {
  const skipped = options.filter((o) => !o.available && o.name !== active);
  const webgpu = skipped.find((o) => o.name === 'webgpu');
  if (webgpu)
    return [
      `WebGPU is not available in this browser, so the demos run on ${LABELS[active] ?? active}.`,
      webgpu.reason ?? '',
    ];
  if (skipped.length === 0) return ['', ''];
  return [
    skipped.map((o) => `${o.label} is unavailable.`).join(' '),
    skipped.map((o) => o.reason ?? '').join(' '),
  ];
}

/** Initialise once per page load; every demo awaits this before computing. */
export function initTessera(): Promise<void> {
  if (typeof window === 'undefined') return Promise.resolve();
  initPromise ??= (async () => {
    let notice = '';
    let detail = '';
    setNoticeHandler((message) => {
      notice = 'Tessera fell back to another backend.';
      detail = message;
    });
    const wanted = requestedBackend();
    if (wanted) {
      try {
        await setBackend(wanted);
      } catch (err) {
        notice = `Could not use the '${wanted}' backend.`;
        detail = err instanceof Error ? err.message : String(err);
      }
    }
    try {
      await ready();
    } catch (err) {
      runtime.error = err instanceof Error ? err.message : String(err);
      return;
    }
    runtime.options = await describe(await listBackends({ probe: true }));
    // A "fallback adapter" is WebGPU emulated on the CPU (e.g. SwiftShader): correct but far
    // slower than the CPU backend, so the demos start on the CPU unless the user asked for it.
    const webgpu = runtime.options.find((o) => o.name === 'webgpu');
    if (!wanted && getBackend().name === 'webgpu' && webgpu?.detail?.includes('fallback adapter')) {
      try {
        await setBackend('cpu');
        notice =
          "This browser's WebGPU is a software fallback adapter, slower than the CPU backend, so the demos " +
          'start on the CPU. Pick WebGPU in the switcher to try it anyway.';
        detail = webgpu.detail;
      } catch {
        // No CPU backend: stay on WebGPU.
      }
    }
    runtime.active = getBackend().name;
    const [short, why] = explainFallback(runtime.options, runtime.active);
    runtime.notice = short || notice;
    runtime.noticeDetail = short ? why : detail;
    runtime.ready = true;
  })();
  return initPromise;
}

/** Make `name` the active backend; demos recompute through `runtime.version`. */
export async function switchBackend(name: string): Promise<void> {
  if (runtime.lockedBy || runtime.switching || name === runtime.active) return;
  runtime.switching = true;
  try {
    await setBackend(name);
    runtime.active = name;
    runtime.error = '';
    [runtime.notice, runtime.noticeDetail] = explainFallback(runtime.options, name);
    try {
      window.localStorage.setItem(STORAGE_KEY, name);
    } catch {
      // Private mode: the choice just is not remembered.
    }
    runtime.version++;
  } catch (err) {
    runtime.error = err instanceof Error ? err.message : String(err);
  } finally {
    runtime.switching = false;
  }
}

export function labelOf(name: string): string {
  return LABELS[name] ?? name;
}
