/**
 * Every page of the built site loads with no console errors, and every demo page renders its
 * demos; screenshots of each demo page at laptop (1280x800) and phone (390x844) widths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, openPage, screenshot, waitForTessera } from './browser.mjs';
import { allPages, useSite } from './helpers.mjs';

const site = useSite();

test('every page loads without console errors', async () => {
  const pages = allPages();
  assert.ok(pages.length > 20, `expected the guides, demos and API pages, found ${pages.length}`);
  const { page, errors } = await openPage(site.context);
  const problems = [];
  for (const path of pages) {
    errors.length = 0;
    const response = await page.goto(site.url + path, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, path);
    if (path.startsWith('/demos/') && path !== '/demos/index.html') {
      await waitForTessera(page);
      // Let the first computations finish (they log any failure with console.error).
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-demo]')].length > 0,
        null,
        { timeout: 20_000 },
      );
      await page.waitForTimeout(600);
    }
    const title = await page.title();
    assert.ok(title.includes('Tessera'), `${path}: title '${title}'`);
    if (errors.length) problems.push(`${path}: ${errors.join(' | ')}`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});

const DEMO_PAGES = [
  ['home', '/index.html', false],
  ['demos', '/demos/index.html', false],
  ['guide-install', '/guide/install.html', false],
  ['api-core', '/api/@tessera/core/index.html', false],
  ['convolution', '/demos/convolution.html', true],
  ['image-kernels', '/demos/image-kernels.html', true],
  ['conv-shapes', '/demos/conv-shapes.html', true],
  ['im2col', '/demos/im2col.html', true],
  ['parameters', '/demos/parameters.html', true],
  ['jacobians', '/demos/jacobians.html', true],
  ['train-mnist', '/demos/train-mnist.html', true],
  ['inside', '/demos/inside.html', true],
  ['layer-timing', '/demos/layer-timing.html', true],
  ['benchmarks', '/demos/benchmarks.html', true],
];

for (const [name, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
]) {
  test(`screenshots at ${name} width (${viewport.width}x${viewport.height})`, async () => {
    const { page, errors } = await openPage(site.context, viewport);
    for (const [shot, path, demo] of DEMO_PAGES) {
      await page.goto(site.url + path);
      if (demo) {
        await waitForTessera(page);
        await page.waitForTimeout(1500);
      }
      // Nothing may be wider than the screen (horizontal scrolling on a phone is a bug);
      // wide tables and matrices scroll inside their own boxes.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(overflow <= 1, `${path} at ${name} width overflows horizontally by ${overflow}px`);
      await screenshot(page, `${name}-${shot}`, { fullPage: true });
    }
    await page.close();
    assert.deepEqual(errors, []);
  });
}
