/**
 * The README's first command must keep working: its `pnpm <script> ...` call has to name a root
 * script, and that script has to run this CLI's bin (a `pnpm --filter ... exec tessera` form
 * once broke because a package's own bin is not on its PATH).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('README commands', () => {
  it('the main-job command runs a root script that starts the tessera bin', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```sh\n(pnpm install[^\n]*)\n```/.exec(readme);
    expect(block, 'README has a ```sh block starting with pnpm install').not.toBeNull();
    const steps = block![1].split('&&').map((s) => s.trim());
    const last = steps[steps.length - 1].split(/\s+/);
    expect(last[0]).toBe('pnpm');
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const script = scripts[last[1]];
    expect(script, `root package.json has a '${last[1]}' script`).toBeDefined();
    const bin = /^node (\S+)/.exec(script);
    expect(bin, `'${last[1]}' runs node on a file`).not.toBeNull();
    expect(existsSync(join(root, bin![1]))).toBe(true);
    expect(last[2]).toBe('train');
  });
});
