/** Shared setup for the browser tests: one static server and one Chromium per test file. */
import { after, before } from 'node:test';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serve, DIST } from './serve.mjs';
import { launch, openPage, waitForTessera } from './browser.mjs';

/** Start the server and the browser before the file's tests; stop both after. */
export function useSite({ webgpu = false } = {}) {
  const site = { url: '', context: undefined };
  let server;
  let browser;
  before(async () => {
    server = await serve();
    browser = await launch({ webgpu });
    site.url = server.url;
    site.context = browser.context;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return site;
}

/** Open `path` on the site and wait for Tessera to pick a backend; returns page, errors, backend. */
export async function openDemo(site, path, viewport) {
  const { page, errors } = await openPage(site.context, viewport);
  await page.goto(site.url + path);
  const backend = await waitForTessera(page);
  return { page, errors, backend };
}

/** Every page of the built site, as URL paths. */
export function allPages() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.html') && name !== '404.html')
        out.push('/' + relative(DIST, p).split('\\').join('/'));
    }
  };
  walk(DIST);
  return out.sort();
}

/** A short fingerprint of a canvas's pixels (changes when any pixel does). */
export function canvasHash(page, selector) {
  return page.$eval(selector, (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 2166136261;
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619) >>> 0;
    return h;
  });
}

/** Pixels of a canvas as an array of gray values (red channel). */
export function canvasGray(page, selector) {
  return page.$eval(selector, (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push(data[i]);
    return out;
  });
}

/** Wait until a demo's footer status text changes from `previous`. */
export async function statusChange(page, demo, previous, timeout = 30_000) {
  await page.waitForFunction(
    ([d, prev]) => {
      const el = document.querySelector(`[data-demo="${d}"] [data-demo-status]`);
      return el && el.textContent.trim() !== '' && el.textContent.trim() !== prev;
    },
    [demo, previous],
    { timeout },
  );
  return page.textContent(`[data-demo="${demo}"] [data-demo-status]`);
}
