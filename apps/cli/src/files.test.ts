import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileError,
  checkOutputPath,
  readUserDirectory,
  readUserFile,
  writeFileAtomic,
} from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('user files', () => {
  it('reading names the path and what was expected, never a bare Node error', () => {
    const missing = join(dir, 'nope.safetensors');
    expect(() => readUserFile(missing, 'weights file', 'train one first')).toThrow(
      new FileError(`weights file '${missing}' not found (train one first)`),
    );
    expect(() => readUserFile(dir, 'weights file')).toThrow(
      `'${dir}' is a directory, expected a weights file`,
    );
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(() => readUserDirectory(file, 'data directory')).toThrow(
      `'${file}' is a file, expected a data directory`,
    );
    expect(() => readUserFile(join(file, 'below'), 'weights file')).toThrow(/not found/);
  });

  it('checks an output path before any work: existing writable directory, not a directory', () => {
    expect(() => checkOutputPath('/nonexistent-tessera/dir/x.safetensors', 'weights file')).toThrow(
      "cannot write weights file '/nonexistent-tessera/dir/x.safetensors': directory '/nonexistent-tessera/dir' does not exist",
    );
    expect(() => checkOutputPath(dir, 'weights file')).toThrow(
      `cannot write weights file '${dir}': it is a directory, expected a file name`,
    );
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    expect(() => checkOutputPath(join(file, 'x.json'), 'results file')).toThrow(
      `'${file}' is not a directory`,
    );
    expect(() => checkOutputPath(join(dir, 'new.json'), 'results file')).not.toThrow();
  });

  it('writes atomically: the target is replaced whole and no temporary file is left', () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const target = join(sub, 'results.json');
    writeFileSync(target, 'old');
    writeFileAtomic(target, 'new contents', 'results file');
    expect(readFileSync(target, 'utf8')).toBe('new contents');
    writeFileAtomic(target, Uint8Array.from([1, 2, 3]), 'results file');
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    mkdirSync(join(sub, 'taken'));
    expect(() => writeFileAtomic(join(sub, 'taken'), 'x', 'results file')).toThrow(FileError);
    expect(readdirSync(sub).sort()).toEqual(['results.json', 'taken']);
  });
});
