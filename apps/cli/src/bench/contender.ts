import type { BenchCase } from './cases.js';

/** Something the bench can time: a Tessera backend or a peer library. */
export interface Contender {
  readonly name: string;
  /** Peers are the baseline ratios are computed against. */
  readonly isPeer: boolean;
  /** How it runs, for the report header (e.g. its thread count). */
  readonly detail?: string;
  /** Prepare inputs for a case; returns a runner, or undefined when the case is not supported. */
  prepare(c: BenchCase): Promise<PreparedCase | undefined>;
  dispose?(): Promise<void> | void;
}

export interface PreparedCase {
  /** Run the case `times` times back to back and wait until the last result is computed. */
  run(times: number): Promise<void>;
  /** Free the case's inputs. */
  dispose(): void;
}
