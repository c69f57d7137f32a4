/**
 * Every error Tessera throws on purpose is a TesseraError, so callers can tell a misuse of the
 * library (catchable, with a message naming the op, the argument and the shapes) from a bug.
 */
export class TesseraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A shape that does not fit the op: wrong rank, mismatched sizes, non-broadcastable dims. */
export class ShapeError extends TesseraError {}

/** A dtype the op does not accept, or two operands whose dtypes differ. */
export class DTypeError extends TesseraError {}

/** A backend that is missing, failed to initialise, or cannot run what was asked. */
export class BackendError extends TesseraError {}

/** A tensor used after `dispose()` (directly or by leaving a `tidy` scope). */
export class DisposedTensorError extends TesseraError {}

/** An argument that is not a shape or dtype problem: a bad option, a non-finite size, ... */
export class ArgumentError extends TesseraError {}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
