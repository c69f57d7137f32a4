import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { cli } from '../test/cli.js';

describe('tessera bench', () => {
  it('runs every quick case on the cpu backend and writes measured results', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tessera-bench-')), 'results.json');
    const code = await main([
      'bench',
      '--quick',
      '--rounds',
      '1',
      '--backends',
      'cpu',
      '--skip-peer',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      measurements: {
        caseName: string;
        contender: string;
        ms?: number;
        gflops?: number;
        error?: string;
      }[];
    };
    expect(results.measurements.length).toBeGreaterThanOrEqual(6);
    for (const m of results.measurements) {
      expect(m.error).toBeUndefined();
      expect(m.contender).toBe('cpu');
      expect(m.ms).toBeGreaterThan(0);
    }
  }, 60_000);

  it('rejects an unknown backend by name', async () => {
    await expect(main(['bench', '--quick', '--backends', 'nope', '--skip-peer'])).resolves.toBe(2);
  });

  it('a --cases filter that matches nothing is an error listing the cases, and keeps the results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
    const out = join(dir, 'bench-results.json');
    writeFileSync(out, '{"measurements":["precious"]}\n');
    const r = await cli('bench', '--quick', '--cases', 'nothingmatches', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--cases 'nothingmatches' matches no case (cases: matmul 32, conv A fwd, conv B fwd,",
    );
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('{"measurements":["precious"]}\n');
    expect(readdirSync(dir)).toEqual(['bench-results.json']);
  });

  it('checks --out before running anything', async () => {
    const r = await cli('bench', '--quick', '--out', '/nonexistent-tessera/results.json');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "tessera bench: cannot write results file '/nonexistent-tessera/results.json': " +
        "directory '/nonexistent-tessera' does not exist",
    );
    expect(r.out).toBe('');
  });
});
