/**
 * Headless Chromium (the Debian package) driven by playwright-core, with a fresh profile per
 * run, plus helpers the tests share: console-error capture and screenshots.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const SHOTS = resolve(
  fileURLToPath(new URL('../test-results/screenshots', import.meta.url)),
);
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch Chromium; `webgpu` adds --enable-unsafe-webgpu (SwiftShader on machines without a GPU). */
export async function launch({ webgpu = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-docs-chromium-'));
  // Playwright adds --headless and passes the profile directory as --user-data-dir itself.
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  // launchPersistentContext is the only way to give Chromium our own --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args,
    viewport: DESKTOP,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Open a page that records console errors and uncaught exceptions. */
export async function openPage(context, viewport = DESKTOP) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  // ERR_ABORTED is a cancellation (VitePress prefetches linked pages; leaving the page aborts
  // them), not a failure.
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) errors.push(`request failed: ${req.url()} (${why})`);
  });
  return { page, errors };
}

export async function screenshot(page, name, options = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

/** Wait until Tessera initialised on the page (the switcher shows an active backend). */
export async function waitForTessera(page, timeout = 30_000) {
  // 'attached': on a phone the top-bar switcher is hidden, the one in a demo card is not.
  await page.waitForSelector('[data-active-backend]:not([data-active-backend=""])', {
    timeout,
    state: 'attached',
  });
  return page.getAttribute('[data-active-backend]', 'data-active-backend');
}
