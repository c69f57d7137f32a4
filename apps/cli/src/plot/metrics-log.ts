/**
 * The JSON-lines metrics log of a training run (`tessera train --log FILE`): one object per
 * epoch with `epoch`, `loss`, `accuracy`, `testAccuracy` and `seconds`. Reading it back names
 * the line and the field of anything malformed.
 */
import { TesseraError } from '@tessera/core';

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly testAccuracy?: number;
  readonly seconds: number;
}

/** A metrics log that does not parse; the message names the file and line. */
export class MetricsLogError extends TesseraError {}

/** One line of the log (no trailing newline). */
export function formatRecord(r: EpochRecord): string {
  return JSON.stringify({
    epoch: r.epoch,
    loss: r.loss,
    ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
    ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}),
    seconds: r.seconds,
  });
}

/** Parse a whole log; blank lines are ignored, anything else malformed is an error. */
export function parseMetricsLog(text: string, source: string): EpochRecord[] {
  const out: EpochRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new MetricsLogError(`${where}: not a JSON object (a metrics log has one per line)`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new MetricsLogError(`${where}: not a JSON object`);
    const o = v as Record<string, unknown>;
    const num = (key: string, required: boolean): number | undefined => {
      const x = o[key];
      if (x === undefined && !required) return undefined;
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw new MetricsLogError(`${where}: '${key}' must be a number, got ${JSON.stringify(x)}`);
      return x;
    };
    const accuracy = num('accuracy', false);
    const testAccuracy = num('testAccuracy', false);
    out.push({
      epoch: num('epoch', true) as number,
      loss: num('loss', true) as number,
      ...(accuracy !== undefined ? { accuracy } : {}),
      ...(testAccuracy !== undefined ? { testAccuracy } : {}),
      seconds: num('seconds', true) as number,
    });
  });
  if (out.length === 0) throw new MetricsLogError(`${source}: no records (is it a metrics log?)`);
  return out;
}
