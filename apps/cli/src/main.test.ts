/** The command line itself: a mistake is a one-line error before any work, never a run with defaults. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './test/cli.js';

let dir = '';
let cwd = '';
beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'tessera-main-'));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera usage errors', () => {
  it('a short flag or a stray word stops train before it starts, and writes nothing', async () => {
    for (const argv of [
      ['train', '-e', '2'],
      ['train', '2'],
      ['train', '--backend', 'cpu', 'lenet'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(readdirSync(dir)).toEqual([]);
    }
    const r = await cli('train', '-e', '2');
    expect(r.err).toBe(
      "tessera train: unknown option '-e' (options are spelled --name; did you mean --epochs?)\n" +
        'see `tessera train --help`',
    );
  });

  it('prints one line and a pointer to --help, not the whole help', async () => {
    const r = await cli('eval', 'a.safetensors', 'b.safetensors');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      "tessera eval: unexpected argument 'b.safetensors' (eval takes <weights.safetensors>)",
      'see `tessera eval --help`',
    ]);
    const u = await cli('trian');
    expect(u.code).toBe(2);
    expect(u.err.split('\n')).toHaveLength(2);
    expect(u.err).toContain("unknown command 'trian' (commands: train, eval,");
  });

  it('--version prints the version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tessera \d+\.\d+\.\d+ \(node v\d+/);
  });
});
