/**
 * Every file the CLI reads or writes for the user goes through here, so every failure names the
 * path and what was expected there (never a bare `EISDIR: illegal operation on a directory`), and
 * no mistake costs work: outputs are checked before a long run starts and written atomically (a
 * temporary file beside the target, then a rename), so a failed write leaves the old file whole.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TesseraError } from '@tessera/core';

/** A user file that cannot be read or written as asked; the message says which and why. */
export class FileError extends TesseraError {}

/** A file-system error from Node (it has an errno code and the syscall that failed). */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

const REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** A Node error's reason in words: "it does not exist" for ENOENT, Node's own text otherwise. */
export function fsReason(err: NodeJS.ErrnoException): string {
  const known = err.code !== undefined ? REASONS[err.code] : undefined;
  if (known) return known;
  // "EIO: i/o error, read" -> "i/o error"
  return err.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+( '.*')?$/, '');
}

function statOrUndefined(path: string, what: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (isFsError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return undefined;
    throw fileError(err, `cannot read ${what} '${path}'`);
  }
}

function fileError(err: unknown, doing: string): Error {
  return isFsError(err) ? new FileError(`${doing}: ${fsReason(err)}`) : (err as Error);
}

/**
 * The bytes of a file the user named; `what` says what it should be ("weights file"), `hint`
 * what to do when it does not exist.
 */
export function readUserFile(path: string, what: string, hint?: string): Uint8Array {
  const st = statOrUndefined(path, what);
  if (!st) throw new FileError(`${what} '${path}' not found${hint ? ` (${hint})` : ''}`);
  if (st.isDirectory()) throw new FileError(`'${path}' is a directory, expected a ${what}`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw fileError(err, `cannot read ${what} '${path}'`);
  }
}

/** The entries of a directory the user named; `what` says what it should hold. */
export function readUserDirectory(path: string, what: string): string[] {
  const st = statOrUndefined(path, what);
  if (!st) throw new FileError(`${what} '${path}' not found`);
  if (!st.isDirectory()) throw new FileError(`'${path}' is a file, expected a ${what}`);
  try {
    return readdirSync(path);
  } catch (err) {
    throw fileError(err, `cannot list ${what} '${path}'`);
  }
}

/**
 * Check, before any work, that `path` can be written as a file: its directory exists and is
 * writable, and the path itself is not a directory (or a file that cannot be replaced).
 */
export function checkOutputPath(path: string, what: string): void {
  const cannot = `cannot write ${what} '${path}'`;
  if (path === '' || path.endsWith('/')) throw new FileError(`${cannot}: expected a file name`);
  const st = statOrUndefined(path, what);
  if (st?.isDirectory()) throw new FileError(`${cannot}: it is a directory, expected a file name`);
  const dir = dirname(resolve(path));
  const dirStat = statOrUndefined(dir, 'directory');
  if (!dirStat) throw new FileError(`${cannot}: directory '${dir}' does not exist`);
  if (!dirStat.isDirectory()) throw new FileError(`${cannot}: '${dir}' is not a directory`);
  try {
    // The rename needs write access to the directory; the old file itself is replaced, not opened.
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw fileError(err, `${cannot}: directory '${dir}'`);
  }
}

/**
 * Write `data` to `path` atomically: a temporary file in the same directory (so the rename
 * cannot cross file systems), flushed, then renamed over the target. On any failure the
 * temporary file is removed and the target is untouched.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, what: string): void {
  checkOutputPath(path, what);
  const temp = join(
    dirname(resolve(path)),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone (or never created): nothing to clean up.
    }
    throw fileError(err, `cannot write ${what} '${path}'`);
  }
}
