/**
 * The backend switcher. With --enable-unsafe-webgpu, headless Chromium offers WebGPU on
 * SwiftShader (a software "fallback adapter"): the page starts on the CPU and says why, and
 * clicking WebGPU really moves the computation there (the output tensor's backend changes
 * and the result matches the CPU's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, waitForTessera } from './browser.mjs';
import { canvasGray, useSite } from './helpers.mjs';

const site = useSite({ webgpu: true });

test('switching CPU -> WebGPU -> CPU recomputes on the chosen backend', async () => {
  const { page, errors } = await openPage(site.context);
  await page.goto(site.url + '/demos/image-kernels.html');
  assert.equal(await waitForTessera(page), 'cpu');
  await page.waitForSelector('[data-demo="image-kernels"][data-computed-on="cpu"]');
  const notice = await page.textContent('[data-demo="image-kernels"] [data-backend-notice]');
  assert.match(notice, /fallback adapter|software-emulated/);
  await page.waitForTimeout(300);
  const onCpu = await canvasGray(page, '[data-output-canvas]');

  await page.click('[data-demo="image-kernels"] [data-backend-option="webgpu"]');
  await page.waitForSelector('[data-demo="image-kernels"] [data-active-backend="webgpu"]');
  await page.waitForSelector('[data-demo="image-kernels"][data-computed-on="webgpu"]', {
    timeout: 60_000,
  });
  await page.waitForTimeout(300);
  const onGpu = await canvasGray(page, '[data-output-canvas]');
  const worst = onCpu.reduce((m, v, i) => Math.max(m, Math.abs(v - onGpu[i])), 0);
  assert.ok(worst <= 1, `CPU and WebGPU outputs differ by up to ${worst} gray levels`);
  // Every switcher on the page (top bar and demo card) shows the same backend.
  const actives = await page.$$eval('[data-active-backend]', (els) =>
    els.map((e) => e.getAttribute('data-active-backend')),
  );
  assert.ok(actives.length >= 2 && actives.every((a) => a === 'webgpu'), actives.join(','));
  await screenshot(page, 'switcher-webgpu');

  // Client-side navigation keeps the choice; the next demo computes on WebGPU too.
  await page.click('a[href$="/demos/conv-shapes.html"]');
  await page.waitForSelector('[data-demo="conv-shapes"][data-computed-on="webgpu"]', {
    timeout: 60_000,
  });

  await page.click('[data-demo="conv-shapes"] [data-backend-option="cpu"]');
  await page.waitForSelector('[data-demo="conv-shapes"][data-computed-on="cpu"]', {
    timeout: 30_000,
  });
  assert.equal((await page.textContent('[data-output-shape]')).trim(), '24×24×10');
  assert.deepEqual(errors, []);
  await page.close();
});

test('?backend=webgpu selects WebGPU from the first computation', async () => {
  const { page, errors } = await openPage(site.context);
  await page.goto(site.url + '/demos/conv-shapes.html?backend=webgpu');
  assert.equal(await waitForTessera(page), 'webgpu');
  await page.waitForSelector('[data-demo="conv-shapes"][data-computed-on="webgpu"]', {
    timeout: 60_000,
  });
  assert.equal((await page.textContent('[data-output-shape]')).trim(), '24×24×10');
  assert.deepEqual(errors, []);
  await page.close();
});

test('without WebGPU the page says so and offers only the CPU', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors } = await openPage(browser.context);
    await page.goto(site.url + '/demos/image-kernels.html');
    assert.equal(await waitForTessera(page), 'cpu');
    const notice = await page.textContent('[data-demo="image-kernels"] [data-backend-notice]');
    assert.match(notice, /WebGPU is not available/);
    assert.ok(
      await page.$eval(
        '[data-demo="image-kernels"] [data-backend-option="webgpu"]',
        (b) => b.disabled,
      ),
    );
    await page.waitForSelector('[data-demo="image-kernels"][data-computed-on="cpu"]');
    await screenshot(page, 'switcher-no-webgpu');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
