/** The registry: priorities, unavailable backends and their reasons, notices, errors. */
import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { createReferenceBackend } from '../testing/reference-backend.js';
import {
  findBackend,
  getBackend,
  listBackends,
  ready,
  registerBackend,
  removeBackendInstance,
  setBackend,
  setNoticeHandler,
} from './registry.js';

// vitest gives each test file a fresh module graph, so this file starts with an empty registry.
describe('registry', () => {
  it('with nothing registered, ops fail with a BackendError that says what to import', () => {
    expect(() => getBackend()).toThrow(BackendError);
    expect(() => tensor([1])).toThrow(/No backend is registered.*@tessera\/backend-cpu/);
  });

  it('picks the highest-priority backend that initialises and never falls back silently', async () => {
    const notices: string[] = [];
    setNoticeHandler((m) => notices.push(m));
    registerBackend('low', () => createReferenceBackend({ name: 'low' }), { priority: 1 });
    registerBackend('mid', () => createReferenceBackend({ name: 'mid' }), { priority: 2 });
    registerBackend(
      'broken',
      () => {
        throw new Error('no GPU adapter found');
      },
      { priority: 5 },
    );
    const b = await ready();
    expect(b.name).toBe('mid');
    expect(notices).toEqual([
      `tessera: using backend 'mid'; skipped 'broken' (no GPU adapter found)`,
    ]);
    const list = await listBackends();
    expect(list.map((s) => [s.name, s.priority, s.available, s.active])).toEqual([
      ['broken', 5, false, false],
      ['mid', 2, true, true],
      ['low', 1, true, false],
    ]);
    expect(list[0].reason).toBe('no GPU adapter found');
    expect(tensor([1, 2]).backend.name).toBe('mid');
  });

  it('setBackend switches, and explains unknown or unavailable names', async () => {
    expect((await setBackend('low')).name).toBe('low');
    expect(getBackend().name).toBe('low');
    await expect(setBackend('nope')).rejects.toThrow(BackendError);
    await expect(setBackend('nope')).rejects.toThrow(
      /no backend named 'nope' is registered \(registered: low, mid, broken\)/,
    );
    await expect(setBackend('broken')).rejects.toThrow(
      /backend 'broken' is unavailable: no GPU adapter found/,
    );
    expect(getBackend().name).toBe('low'); // a failed switch leaves the active backend alone
  });

  it('an async factory must be awaited before sync use; listBackends({probe: false}) initialises nothing', async () => {
    let calls = 0;
    registerBackend(
      'async',
      async () => {
        calls++;
        return createReferenceBackend({ name: 'async' });
      },
      { priority: 10 },
    );
    const listed = await listBackends({ probe: false });
    expect(listed.find((s) => s.name === 'async')?.available).toBeUndefined();
    expect(calls).toBe(0);
    removeBackendInstance('low'); // nothing active now
    expect(() => getBackend()).toThrow(/initialises asynchronously: call `await ready\(\)`/);
    expect((await ready()).name).toBe('async');
    expect((await findBackend('mid')).name).toBe('mid');
    await expect(findBackend('broken')).rejects.toThrow(/unavailable: no GPU adapter found/);
  });

  it('re-registering a name destroys the old instance', async () => {
    let destroyed = 0;
    registerBackend('temp', () =>
      Object.assign(createReferenceBackend({ name: 'temp' }), { destroy: () => void destroyed++ }),
    );
    await findBackend('temp');
    registerBackend('temp', () => createReferenceBackend({ name: 'temp' }));
    expect(destroyed).toBe(1);
  });
});
