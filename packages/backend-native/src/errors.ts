/**
 * The addon throws plain Errors with a `code`; this turns them into the TesseraError subclass
 * the code names, so callers see one error family whichever backend runs.
 */
import { ArgumentError, BackendError, DTypeError, ShapeError, TesseraError } from '@tessera/core';

export type NativeErrorCode =
  'ERR_TESSERA_ARGUMENT' | 'ERR_TESSERA_SHAPE' | 'ERR_TESSERA_DTYPE' | 'ERR_TESSERA_BACKEND';

const classes: Record<NativeErrorCode, new (message: string) => TesseraError> = {
  ERR_TESSERA_ARGUMENT: ArgumentError,
  ERR_TESSERA_SHAPE: ShapeError,
  ERR_TESSERA_DTYPE: DTypeError,
  ERR_TESSERA_BACKEND: BackendError,
};

/** True when `err` came from the addon's own validation (it carries one of our codes). */
export function isNativeError(err: unknown): err is Error & { code: NativeErrorCode } {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(classes, code);
}

/** The TesseraError for anything the addon threw; anything unexpected becomes a BackendError. */
export function toTesseraError(err: unknown): TesseraError {
  if (err instanceof TesseraError) return err;
  if (isNativeError(err)) return new classes[err.code](`native backend: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  return new BackendError(`native backend: unexpected failure: ${message}`);
}

/** Run `fn`, rethrowing whatever it throws as a TesseraError. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toTesseraError(err);
  }
}

/** Await `p`, rejecting with a TesseraError. */
export async function guardAsync<T>(p: () => Promise<T>): Promise<T> {
  try {
    return await p();
  } catch (err) {
    throw toTesseraError(err);
  }
}
