/**
 * Every page of the built site loads with no console errors, and every demo page renders its
 * demos; screenshots of each demo page at laptop (1280x800) and phone (390x844) widths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, openPage, screenshot, waitForTessera } from './browser.mjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './serve.mjs';
import { allPages, useSite } from './helpers.mjs';

const site = useSite();

test('every internal link of the built site points to a file that exists', () => {
  const broken = [];
  let links = 0;
  for (const page of allPages()) {
    const html = readFileSync(join(DIST, page), 'utf8');
    for (const [, raw] of html.matchAll(/(?:href|src)="(\/[^"#?]*)/g)) {
      const target = decodeURIComponent(raw);
      const base = join(DIST, target);
      links++;
      const ok = [base, `${base}.html`, join(base, 'index.html')].some(
        (f) => existsSync(f) && statSync(f).isFile(),
      );
      if (!ok) broken.push(`${page} -> ${raw}`);
    }
  }
  assert.ok(links > 1000, `only ${links} links found: is the pattern still right?`);
  assert.deepEqual([...new Set(broken)], []);
});

/** Pages opened with a full load (server HTML + hydration); the rest by client-side navigation. */
function fullLoad(path) {
  return !path.startsWith('/api/') || path.split('/').length <= 5;
}

test('every page loads without console errors', async () => {
  const pages = allPages();
  assert.ok(pages.length > 20, `expected the guides, demos and API pages, found ${pages.length}`);
  const { page, errors } = await openPage(site.context);
  const problems = [];
  const check = async (path) => {
    const title = await page.title();
    assert.ok(title.includes('Tessera'), `${path}: title '${title}'`);
    const h1 = await page.textContent('.vp-doc h1, .VPHero .name').catch(() => '');
    assert.ok(h1 && h1.trim().length > 0, `${path}: no heading rendered`);
    if (errors.length) problems.push(`${path}: ${errors.join(' | ')}`);
    errors.length = 0;
  };
  for (const path of pages.filter(fullLoad)) {
    const response = await page.goto(site.url + path, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, path);
    if (path.startsWith('/demos/') && path !== '/demos/index.html') {
      await waitForTessera(page);
      await page.waitForTimeout(600); // first computations log any failure with console.error
    }
    await check(path);
  }
  // The ~100 API pages share one layout: after a full load of the API overview, visit each
  // through the site's own router (as a reader clicking links does), which is much faster.
  await page.goto(site.url + '/api/index.html', { waitUntil: 'load' });
  for (const path of pages.filter((p) => !fullLoad(p))) {
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }, path);
    await page.waitForFunction(
      (p) =>
        [p, p.replace(/index\.html$/, '')].includes(location.pathname) &&
        document.querySelector('.vp-doc h1'),
      path,
    );
    await check(path);
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
        await page.waitForTimeout(1200);
      }
      // Nothing may be wider than the screen (horizontal scrolling on a phone is a bug);
      // wide tables and matrices scroll inside their own boxes.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(overflow <= 1, `${path} at ${name} width overflows horizontally by ${overflow}px`);
      // The API module pages are very long: keep the first screen only.
      await screenshot(page, `${name}-${shot}`, { fullPage: !path.startsWith('/api/') });
    }
    await page.close();
    assert.deepEqual(errors, []);
  });
}
