/** Learning-rate schedules: functions from the step index (0-based) to a learning rate. */
import { ArgumentError } from '@tessera/core';

export type LrSchedule = (step: number) => number;

export function constantLr(lr: number): LrSchedule {
  return () => lr;
}

/**
 * Cosine decay from `lr` at step 0 to `minLr` at `totalSteps` (and after): large steps early,
 * small ones at the end so the last epochs settle instead of bouncing around.
 */
export function cosineDecay(lr: number, totalSteps: number, minLr = 0): LrSchedule {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new ArgumentError(
      `cosineDecay: 'totalSteps' must be a positive integer, got ${totalSteps}`,
    );
  }
  return (step) =>
    minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, step / totalSteps)));
}
