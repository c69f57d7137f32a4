/**
 * Expected failures (a TesseraError such as a corrupt weights file, a shape mismatch or a
 * FileError) become one clear line on stderr and exit code 1; anything else is a bug and
 * propagates with its stack. User files go through files.ts, which names the path and what
 * was expected; a raw Node file error that still gets here is reworded the same way.
 */
import { TesseraError } from '@tessera/core';
import { UsageError } from './args.js';
import { fsReason, isFsError } from './files.js';

export async function reportErrors(command: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof TesseraError) {
      console.error(`tessera ${command}: ${err.message}`);
      return 1;
    }
    if (isFsError(err) && err.syscall !== undefined) {
      const where = err.path !== undefined ? ` '${err.path}'` : '';
      console.error(`tessera ${command}: cannot ${err.syscall}${where}: ${fsReason(err)}`);
      return 1;
    }
    throw err;
  }
}
