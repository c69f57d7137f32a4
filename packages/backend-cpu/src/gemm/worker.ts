/**
 * A GEMM worker thread (Node worker_threads). It blocks in Atomics.wait between jobs, so it
 * never returns to its event loop; a new arena arrives on a MessagePort that it drains
 * synchronously with receiveMessageOnPort. Each worker has its own module instance and so its
 * own packing scratch in ./blocked.js.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { gemmBlocked } from './blocked.js';
import * as P from './protocol.js';

const init = workerData as P.WorkerInit;
const control = new Int32Array(init.control);
const port = init.port as MessagePort;
const index = init.index;

let arena: Float32Array = new Float32Array(0);
let generation = -1;

function refreshArena(): void {
  for (;;) {
    const msg = receiveMessageOnPort(port);
    if (msg === undefined) break;
    const m = msg.message as P.ArenaMessage;
    arena = new Float32Array(m.arena);
    generation = m.generation;
  }
}

function runJob(): void {
  if (Atomics.load(control, P.GENERATION) !== generation) refreshArena();
  const lo = control[P.RANGES + 2 * index];
  const hi = control[P.RANGES + 2 * index + 1];
  if (hi <= lo) return;
  const m = control[P.M];
  const n = control[P.N];
  const k = control[P.K];
  const transA = control[P.TRANS_A] === 1;
  const transB = control[P.TRANS_B] === 1;
  const accumulate = control[P.ACCUMULATE] === 1;
  const lda = control[P.LDA];
  const ldb = control[P.LDB];
  const ldc = control[P.LDC];
  let aOff = control[P.A_OFF];
  let bOff = control[P.B_OFF];
  let cOff = control[P.C_OFF];
  if (control[P.SPLIT_ROWS] === 1) {
    aOff += transA ? lo : lo * lda;
    cOff += lo * ldc;
    gemmBlocked(
      hi - lo,
      n,
      k,
      arena,
      aOff,
      lda,
      transA,
      arena,
      bOff,
      ldb,
      transB,
      arena,
      cOff,
      ldc,
      accumulate,
    );
  } else {
    bOff += transB ? lo * ldb : lo;
    cOff += lo;
    gemmBlocked(
      m,
      hi - lo,
      k,
      arena,
      aOff,
      lda,
      transA,
      arena,
      bOff,
      ldb,
      transB,
      arena,
      cOff,
      ldc,
      accumulate,
    );
  }
}

refreshArena();
// Read the job counter before announcing readiness: the main thread posts no job until every
// worker is ready, so the first job always bumps SEQ past `seen`.
let seen = Atomics.load(control, P.SEQ);
Atomics.add(control, P.READY, 1);
Atomics.notify(control, P.READY);
for (;;) {
  Atomics.wait(control, P.SEQ, seen);
  const now = Atomics.load(control, P.SEQ);
  if (now === seen) continue; // spurious wake-up
  seen = now;
  if (Atomics.load(control, P.STOP) === 1) break;
  try {
    runJob();
  } catch {
    Atomics.store(control, P.ERROR, 1);
  }
  if (Atomics.sub(control, P.REMAINING, 1) === 1) Atomics.notify(control, P.REMAINING);
}
port.close();
