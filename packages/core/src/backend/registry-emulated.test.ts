/** The default choice passes over software-emulated devices while a real backend works. */
import { expect, it } from 'vitest';
import { createReferenceBackend } from '../testing/reference-backend.js';
import {
  ready,
  registerBackend,
  removeBackendInstance,
  setBackend,
  setNoticeHandler,
} from './registry.js';

it('prefers a real backend over a software-emulated one of higher priority, and says so', async () => {
  const notices: string[] = [];
  setNoticeHandler((m) => notices.push(m));
  registerBackend(
    'emulated',
    () => Object.assign(createReferenceBackend({ name: 'emulated' }), { softwareEmulated: true }),
    { priority: 9 },
  );
  registerBackend('real', () => createReferenceBackend({ name: 'real' }), { priority: 3 });
  expect((await ready()).name).toBe('real');
  expect(notices.at(-1)).toMatch(
    /using backend 'real'; skipped 'emulated' \(software-emulated device; setBackend\('emulated'\) uses it\)/,
  );
  expect((await setBackend('emulated')).name).toBe('emulated');

  // With no real backend left, the emulated one is still chosen rather than nothing.
  removeBackendInstance('emulated');
  registerBackend(
    'real',
    () => {
      throw new Error('no real device');
    },
    { priority: 3 },
  );
  expect((await ready()).name).toBe('emulated');
});
