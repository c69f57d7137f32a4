/**
 * Optional multi-threaded GEMM for Node: worker_threads + SharedArrayBuffer + Atomics.
 *
 * Kernels are synchronous, so the main thread posts a job to blocked workers (Atomics.notify),
 * computes its own slice, then blocks until the workers are done (Atomics.wait, which Node
 * allows on the main thread). Operands are copied into one shared arena per call (buffers in
 * the backend are ordinary ArrayBuffers); the copy is O(mk + kn + mn) against O(mnk) work, and
 * only GEMMs above PARALLEL_MIN_MACS take this path.
 *
 * Everything here is opt-in (`createCpuBackend({ threads: 2 })`) and degrades to the
 * single-threaded GEMM, with the reason recorded, when SharedArrayBuffer, worker_threads or
 * the compiled worker script are unavailable (browsers, bundlers, running from TS sources).
 */
import type { MessagePort as NodeMessagePort, Worker as NodeWorker } from 'node:worker_threads';
import { BackendError } from '@tessera/core';
import { MR, NR, gemmBlocked } from './blocked.js';
import * as P from './protocol.js';

/** Below this many multiply-adds the copies and the wake-up cost more than a second core saves. */
export const PARALLEL_MIN_MACS = 1 << 21;

/** What the backend reports about its threads. */
export interface ThreadStatus {
  readonly requested: number;
  /** Threads that take part in a large GEMM (1 = single-threaded). */
  readonly active: number;
  /** Why fewer threads than requested are active. */
  readonly reason?: string;
}

interface Pool {
  readonly workers: NodeWorker[];
  readonly ports: NodeMessagePort[];
  readonly control: Int32Array;
  arena: Float32Array;
  generation: number;
  refs: number;
  broken?: string;
}

let pool: Pool | undefined;
let runs = 0;

/** How many GEMMs have run on the worker pool in this process (a diagnostic for tests/tools). */
export function parallelGemmRuns(): number {
  return runs;
}

/** The compiled worker, next to this module in dist/gemm. */
const WORKER_FILE = './worker.js';

type WorkerThreads = typeof import('node:worker_threads');
type Fs = typeof import('node:fs');
type Url = typeof import('node:url');

/** Node's built-in modules, synchronously, without a static import that would break bundles. */
function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  return proc.getBuiltinModule(id) as T | undefined;
}

function workerScript(): { url: URL } | { reason: string } {
  const fs = builtin<Fs>('node:fs');
  const url = builtin<Url>('node:url');
  if (!fs || !url) return { reason: 'node:fs is unavailable' };
  // Not a string literal on purpose: bundlers would otherwise ship the Node-only worker as an
  // asset of every browser build.
  const file = WORKER_FILE;
  const script = new URL(file, import.meta.url);
  if (script.protocol !== 'file:' || !fs.existsSync(url.fileURLToPath(script))) {
    return { reason: `worker script ${script.href} not found (running from TypeScript sources?)` };
  }
  return { url: script };
}

/**
 * Start (or share) the worker pool. Returns the status; never throws: a backend that cannot
 * have threads still works, single-threaded.
 */
export function acquireThreads(requested: number): ThreadStatus {
  const want = Math.min(P.MAX_WORKERS + 1, Math.max(1, Math.floor(requested)));
  if (want <= 1) return { requested, active: 1 };
  const single = (reason: string): ThreadStatus => ({ requested, active: 1, reason });
  if (pool) {
    pool.refs++;
    return { requested, active: pool.workers.length + 1 };
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return single('SharedArrayBuffer is unavailable (a browser page needs cross-origin isolation)');
  }
  const wt = builtin<WorkerThreads>('node:worker_threads');
  if (!wt) return single('node:worker_threads is unavailable (not Node, or Node older than 20.16)');
  if (!wt.isMainThread) return single('nested worker threads are not used');
  const script = workerScript();
  if ('reason' in script) return single(script.reason);

  const control = new Int32Array(new SharedArrayBuffer(P.CONTROL_INTS * 4));
  const arena = new Float32Array(new SharedArrayBuffer(4));
  const workers: NodeWorker[] = [];
  const ports: NodeMessagePort[] = [];
  try {
    for (let index = 0; index < want - 1; index++) {
      const { port1, port2 } = new wt.MessageChannel();
      port1.postMessage({ arena: arena.buffer, generation: 0 } satisfies P.ArenaMessage);
      const init: P.WorkerInit = {
        control: control.buffer as SharedArrayBuffer,
        port: port2,
        index,
      };
      const worker = new wt.Worker(script.url, { workerData: init, transferList: [port2] });
      worker.unref(); // idle workers must not keep the process alive
      worker.on('error', (err: Error) => {
        if (pool) pool.broken = `a GEMM worker failed: ${err.message}`;
      });
      port1.unref();
      workers.push(worker);
      ports.push(port1);
    }
  } catch (err) {
    for (const w of workers) void w.terminate();
    return single(
      `could not start worker threads: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  pool = { workers, ports, control, arena, generation: 0, refs: 1 };
  return { requested, active: want };
}

/** Drop one reference; the last one stops the workers. */
export function releaseThreads(): void {
  if (!pool) return;
  pool.refs--;
  if (pool.refs > 0) return;
  const { control, workers } = pool;
  pool = undefined;
  Atomics.store(control, P.STOP, 1);
  Atomics.add(control, P.SEQ, 1);
  Atomics.notify(control, P.SEQ);
  for (const w of workers) void w.terminate();
}

function ensureArena(p: Pool, size: number): void {
  if (p.arena.length >= size) return;
  const grown = Math.max(size, Math.ceil(p.arena.length * 1.5));
  p.arena = new Float32Array(new SharedArrayBuffer(grown * 4));
  p.generation++;
  for (const port of p.ports) {
    port.postMessage({
      arena: p.arena.buffer as SharedArrayBuffer,
      generation: p.generation,
    } satisfies P.ArenaMessage);
  }
  Atomics.store(p.control, P.GENERATION, p.generation);
}

/** Copy `rows` rows of `len` elements with stride `ld` from src into dense dst at `at`. */
function packDense(
  src: Float32Array,
  off: number,
  ld: number,
  rows: number,
  len: number,
  dst: Float32Array,
  at: number,
): void {
  if (ld === len) {
    dst.set(src.subarray(off, off + rows * len), at);
    return;
  }
  for (let r = 0; r < rows; r++)
    dst.set(src.subarray(off + r * ld, off + r * ld + len), at + r * len);
}

/**
 * C (+)= op(A) @ op(B) on the worker pool. Returns false (having done nothing) when no pool is
 * running or the problem is too small to split, so the caller runs the single-threaded path.
 */
export function parallelGemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  transA: boolean,
  b: Float32Array,
  bOff: number,
  ldb: number,
  transB: boolean,
  c: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): boolean {
  const p = pool;
  if (!p || m * n * k < PARALLEL_MIN_MACS) return false;
  if (p.broken) throw new BackendError(`cpu: ${p.broken}`);
  const { control, workers } = p;
  if (Atomics.load(control, P.READY) < workers.length) return false; // still starting up
  const splitRows = m > n;
  const extent = splitRows ? m : n;
  const unit = splitRows ? MR : NR;
  const threads = workers.length + 1;
  // Chunks are whole register tiles, and at least a few of them, or splitting is not worth it.
  const tiles = Math.ceil(extent / unit);
  const parts = Math.min(threads, Math.floor(tiles / 4));
  if (parts < 2) return false;

  const aRows = transA ? k : m;
  const aLen = transA ? m : k;
  const bRows = transB ? n : k;
  const bLen = transB ? k : n;
  const aAt = 0;
  const bAt = m * k;
  const cAt = bAt + k * n;
  ensureArena(p, cAt + m * n);
  const arena = p.arena;
  packDense(a, aOff, lda, aRows, aLen, arena, aAt);
  packDense(b, bOff, ldb, bRows, bLen, arena, bAt);
  if (accumulate) packDense(c, cOff, ldc, m, n, arena, cAt);

  // Split the extent into `parts` tile-aligned chunks; the main thread takes chunk 0.
  const per = Math.ceil(tiles / parts) * unit;
  for (let w = 0; w < workers.length; w++) {
    const lo = Math.min(extent, (w + 1) * per);
    const hi = Math.min(extent, (w + 2) * per);
    control[P.RANGES + 2 * w] = lo;
    control[P.RANGES + 2 * w + 1] = w + 1 < parts ? hi : lo;
  }
  control[P.M] = m;
  control[P.N] = n;
  control[P.K] = k;
  control[P.TRANS_A] = transA ? 1 : 0;
  control[P.TRANS_B] = transB ? 1 : 0;
  control[P.ACCUMULATE] = accumulate ? 1 : 0;
  control[P.A_OFF] = aAt;
  control[P.B_OFF] = bAt;
  control[P.C_OFF] = cAt;
  control[P.LDA] = aLen;
  control[P.LDB] = bLen;
  control[P.LDC] = n;
  control[P.SPLIT_ROWS] = splitRows ? 1 : 0;
  Atomics.store(control, P.ERROR, 0);
  Atomics.store(control, P.REMAINING, workers.length);
  Atomics.add(control, P.SEQ, 1); // publishes the job (Atomics are sequentially consistent)
  Atomics.notify(control, P.SEQ);

  const mine = Math.min(extent, per);
  if (splitRows) {
    gemmBlocked(
      mine,
      n,
      k,
      arena,
      aAt,
      aLen,
      transA,
      arena,
      bAt,
      bLen,
      transB,
      arena,
      cAt,
      n,
      accumulate,
    );
  } else {
    gemmBlocked(
      m,
      mine,
      k,
      arena,
      aAt,
      aLen,
      transA,
      arena,
      bAt,
      bLen,
      transB,
      arena,
      cAt,
      n,
      accumulate,
    );
  }

  // A worker that throws still reports back; one that dies cannot, and its 'error' event cannot
  // run while this thread blocks, so give up after a deadline no healthy run comes near
  // (30 s plus 10 ns per multiply-add, i.e. assuming less than 0.1 GMAC/s per thread).
  const deadline = performance.now() + 30_000 + (m * n * k) / 1e5;
  for (
    let left = Atomics.load(control, P.REMAINING);
    left !== 0;
    left = Atomics.load(control, P.REMAINING)
  ) {
    Atomics.wait(control, P.REMAINING, left, 1000);
    if (performance.now() > deadline) {
      p.broken = 'GEMM worker threads stopped responding';
      throw new BackendError(`cpu: ${p.broken}`);
    }
  }
  if (Atomics.load(control, P.ERROR) !== 0)
    throw new BackendError('cpu: a GEMM worker thread threw');
  // Results back into the caller's C.
  for (let i = 0; i < m; i++) c.set(arena.subarray(cAt + i * n, cAt + (i + 1) * n), cOff + i * ldc);
  runs++;
  return true;
}
