import type { BackendStatus } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { shortReason, skipNotice } from './backend-choice.js';
import { cli } from './test/cli.js';

const status = (s: Partial<BackendStatus> & { name: string; priority: number }): BackendStatus => ({
  available: true,
  active: false,
  ...s,
});

describe('backend choice', () => {
  it('the skip notice is one short line; the full reason is left to `tessera backends`', () => {
    const long =
      "webgpu: no WebGPU adapter (Dawn create([]).requestAdapter() returned none, featureLevel 'core'). " +
      'SwiftShader is installed here: set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.';
    expect(shortReason(long, 'webgpu')).toBe('no WebGPU adapter');
    const notice = skipNotice('native', [
      status({ name: 'webgpu', priority: 3, available: false, reason: long }),
      status({ name: 'native', priority: 2 }),
      status({ name: 'cpu', priority: 1 }),
    ]);
    expect(notice).toBe(
      'tessera: backend native; skipped webgpu (no WebGPU adapter): see `tessera backends`',
    );
    expect(
      skipNotice('cpu', [
        status({ name: 'webgpu', priority: 3, softwareEmulated: true }),
        status({ name: 'cpu', priority: 1 }),
      ]),
    ).toBe(
      'tessera: backend cpu; skipped webgpu (software renderer, slower than cpu): see `tessera backends`',
    );
    expect(skipNotice('webgpu', [status({ name: 'webgpu', priority: 3 })])).toBeUndefined();
  });

  it('--backend with an unknown name lists the backends that exist', async () => {
    const r = await cli('train', '--backend', 'nope', '--no-save', '--limit', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tessera train: --backend nope: no such backend \(backends: .*cpu/);
    expect(r.err).not.toContain('import');
    expect(r.out).toBe('');
  });
});
