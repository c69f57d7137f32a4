/**
 * Demo 6-9 on the CPU backend: training for a fixed number of steps lifts test accuracy far
 * above chance, a drawn stroke is classified, the trained model can be inspected, and the
 * profiler and benchmark run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './browser.mjs';
import { openDemo, useSite } from './helpers.mjs';

const site = useSite();
const STEPS = 60;

test(`MNIST: ${STEPS} training steps, a drawn digit, then inside the network`, async () => {
  const { page, errors, backend } = await openDemo(site, '/demos/train-mnist.html?backend=cpu');
  assert.equal(backend, 'cpu');
  await page.fill('[data-field="steps"]', String(STEPS));
  const t0 = Date.now();
  await page.click('[data-train]');
  await page.waitForSelector('[data-pause]');
  await page.waitForSelector('[data-train]', { timeout: 240_000 });
  const seconds = (Date.now() - t0) / 1000;
  assert.equal((await page.textContent('[data-train-step]')).trim(), String(STEPS));
  const accuracy = parseFloat(await page.textContent('[data-test-accuracy]'));
  console.log(
    `# trained ${STEPS} steps of batch 32 on cpu in ${seconds.toFixed(1)} s: test accuracy ${accuracy}%`,
  );
  assert.ok(accuracy > 60, `test accuracy ${accuracy}% after ${STEPS} steps (chance is 10%)`);

  // Draw a vertical stroke: a "1".
  const pad = await page.$('[data-draw-pad]');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.12);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++)
    await page.mouse.move(
      box.x + box.width * (0.52 - 0.004 * i),
      box.y + box.height * (0.12 + 0.065 * i),
    );
  await page.mouse.up();
  await page.waitForFunction(
    () => /^\d$/.test(document.querySelector('[data-prediction]').textContent.trim()),
    null,
    { timeout: 30_000 },
  );
  const predicted = (await page.textContent('[data-prediction]')).trim();
  console.log(`# a drawn vertical stroke was classified as ${predicted}`);
  assert.equal(predicted, '1');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'desktop-trained', { fullPage: true });

  // Client-side navigation keeps the trained model: the inside view shows its filters and maps.
  await page.click('a[href$="/demos/inside.html"]');
  await page.waitForSelector('[data-inside-prediction]', { timeout: 30_000 });
  assert.ok(await page.$('[data-stage="conv1+relu1"]'), 'conv1 activation maps');
  await page.click('[data-digit="7"]');
  await page.waitForFunction(
    () => document.querySelector('[data-inside-prediction]')?.textContent.trim() !== '',
    null,
  );
  await page.waitForTimeout(500);
  await screenshot(page, 'desktop-inside-trained', { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('layer timing: a per-layer profile of LeNet on the CPU', async () => {
  const { page, errors } = await openDemo(site, '/demos/layer-timing.html?backend=cpu');
  await page.waitForSelector('[data-timing-rows]', { timeout: 60_000 });
  const rows = await page.$$eval('[data-timing-rows] .share .n', (els) =>
    els.map((e) => e.textContent.trim()),
  );
  assert.deepEqual(rows.slice(0, 2), ['conv1+relu1', 'pool1']);
  assert.ok(rows.includes('loss'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('benchmarks: matmul throughput measured in the page', async () => {
  const { page, errors } = await openDemo(site, '/demos/benchmarks.html?backend=cpu');
  // Keep only the smallest case: the test checks the plumbing, not the speed.
  for (const id of ['matmul-256', 'matmul-512', 'conv-lenet', 'conv-lecture'])
    await page.click(`[data-case="${id}"]`);
  await page.click('[data-bench-active]');
  await page.waitForSelector('[data-gflops="cpu:matmul-128"]', { timeout: 60_000 });
  const gflops = Number(await page.textContent('[data-gflops="cpu:matmul-128"]'));
  console.log(
    `# matmul 128x128 on cpu in headless Chromium: ${gflops} GFLOP/s (noisy: shared machine)`,
  );
  assert.ok(gflops > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
