import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

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
});
