import { TesseraError } from '@tessera/core';

/** A file or buffer that is not what it claims to be: bad magic, truncated, inconsistent header. */
export class FormatError extends TesseraError {}
