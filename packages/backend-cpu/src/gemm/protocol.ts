/**
 * Layout of the shared control block between the main thread and GEMM worker threads.
 * One Int32Array over a SharedArrayBuffer; the main thread writes a job, bumps SEQ and
 * notifies; each worker computes its slice of C and decrements REMAINING.
 */

/** Incremented once per job; workers Atomics.wait on it. */
export const SEQ = 0;
/** Workers still busy with the current job. */
export const REMAINING = 1;
/** Set to 1 by a worker whose job threw. */
export const ERROR = 2;
/** Workers that finished starting up. */
export const READY = 3;
/** 1 asks workers to leave their loop. */
export const STOP = 4;
/** Generation of the shared arena; a worker whose copy is older receives the new one. */
export const GENERATION = 5;

// Job parameters (element offsets are into the shared Float32 arena).
export const M = 8;
export const N = 9;
export const K = 10;
export const TRANS_A = 11;
export const TRANS_B = 12;
export const ACCUMULATE = 13;
export const A_OFF = 14;
export const B_OFF = 15;
export const C_OFF = 16;
export const LDA = 17;
export const LDB = 18;
export const LDC = 19;
/** 0: workers split the columns of C, 1: the rows. */
export const SPLIT_ROWS = 20;

/** Worker w computes [RANGES + 2w, RANGES + 2w + 1) of the split dimension. */
export const RANGES = 32;

export const MAX_WORKERS = 64;
export const CONTROL_INTS = RANGES + 2 * MAX_WORKERS;

/** Message that hands a worker a (new) arena. */
export interface ArenaMessage {
  readonly arena: SharedArrayBuffer;
  readonly generation: number;
}

/** Data a worker starts with. */
export interface WorkerInit {
  readonly control: SharedArrayBuffer;
  readonly port: unknown;
  readonly index: number;
}
