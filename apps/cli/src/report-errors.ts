/**
 * Expected failures (a TesseraError such as a corrupt weights file or a shape mismatch, or a
 * file-system error such as a missing file) become one clear line on stderr and exit code 1;
 * anything else is a bug and propagates with its stack.
 */
import { TesseraError } from '@tessera/core';
import { UsageError } from './args.js';

function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    'syscall' in err
  );
}

export async function reportErrors(command: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof TesseraError || isFsError(err)) {
      console.error(`tessera ${command}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
