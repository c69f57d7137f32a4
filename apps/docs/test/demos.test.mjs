/** Each core-ops demo responds to its inputs with new results computed by Tessera. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasGray, canvasHash, openDemo, statusChange, useSite } from './helpers.mjs';

const site = useSite();

test('image kernels: changing the kernel changes the output pixels', async () => {
  const { page, errors, backend } = await openDemo(site, '/demos/image-kernels.html');
  assert.equal(backend, 'cpu');
  const status = await statusChange(page, 'image-kernels', '');
  const sharpen = await canvasHash(page, '[data-output-canvas]');
  await page.click('[data-kernel="blur"]');
  await statusChange(page, 'image-kernels', status);
  await page.waitForFunction((h) => {
    const c = document.querySelector('[data-output-canvas]');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let x = 2166136261;
    for (let i = 0; i < data.length; i++) x = Math.imul(x ^ data[i], 16777619) >>> 0;
    return x !== h;
  }, sharpen);
  // Identity reproduces the input exactly: an independent check that the convolution is right.
  await page.click('[data-kernel="identity"]');
  await page.waitForFunction(() =>
    document.querySelector('[data-kernel="identity"]').classList.contains('active'),
  );
  await page.waitForTimeout(300);
  await page.waitForFunction(() => {
    const a = document
      .querySelector('[data-input-canvas]')
      .getContext('2d')
      .getImageData(0, 0, 64, 64).data;
    const b = document
      .querySelector('[data-output-canvas]')
      .getContext('2d')
      .getImageData(0, 0, 64, 64).data;
    return a.every((v, i) => v === b[i]);
  });
  // Edit one kernel cell: a custom kernel that doubles the centre doubles (and clamps) the pixels.
  await page.fill('[data-kernel-cell="4"]', '2');
  await page.press('[data-kernel-cell="4"]', 'Tab');
  await page.waitForTimeout(300);
  await page.waitForFunction(() => {
    const a = document
      .querySelector('[data-input-canvas]')
      .getContext('2d')
      .getImageData(0, 0, 64, 64).data;
    const b = document
      .querySelector('[data-output-canvas]')
      .getContext('2d')
      .getImageData(0, 0, 64, 64).data;
    for (let i = 0; i < a.length; i += 4) if (b[i] !== Math.min(255, 2 * a[i])) return false;
    return true;
  });
  const gray = await canvasGray(page, '[data-output-canvas]');
  assert.ok(
    gray.some((v) => v === 255),
    'doubling should saturate the bright pixels',
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('image kernels: hovering a pixel shows its arithmetic', async () => {
  const { page, errors } = await openDemo(site, '/demos/image-kernels.html');
  await statusChange(page, 'image-kernels', '');
  await page.click('[data-kernel="blur"]');
  const box = await page.$eval('[data-input-canvas]', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
  await page.mouse.move(box.x + box.w * 0.3, box.y + box.h * 0.3);
  const text = await page.textContent('[data-pixel-value]');
  assert.match(text.trim(), /^-?\d+(\.\d)?$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('conv shapes: the lecture preset, and changing stride changes the shape', async () => {
  const { page, errors } = await openDemo(site, '/demos/conv-shapes.html');
  await statusChange(page, 'conv-shapes', '');
  assert.equal((await page.textContent('[data-output-shape]')).trim(), '24×24×10');
  // One layer: 32x32x3, six 5x5 filters, stride 1 -> 28; stride 3 -> floor(27/3)+1 = 10.
  await page.click('[data-layer="1"] .remove');
  await page.waitForFunction(
    () => document.querySelector('[data-output-shape]').textContent.trim() === '28×28×6',
  );
  await page.fill('[data-layer="0"] [data-field="stride"]', '3');
  await page.waitForFunction(
    () => document.querySelector('[data-output-shape]').textContent.trim() === '10×10×6',
  );
  await page.fill('[data-layer="0"] [data-field="stride"]', '2');
  await page.waitForFunction(
    () => document.querySelector('[data-output-shape]').textContent.trim() === '14×14×6',
  );
  assert.ok(await page.$('[data-does-not-fit]'), '(32 - 5) / 2 + 1 is not an integer: flagged');
  // A window larger than the input is core's ShapeError, shown to the user.
  await page.fill('[data-layer="0"] [data-field="kernel"]', '40');
  await page.waitForSelector('[data-shape-error]');
  assert.match(await page.textContent('[data-shape-error]'), /conv2d/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('im2col: columns equal conv2d, and stride changes the shape', async () => {
  const { page, errors } = await openDemo(site, '/demos/im2col.html');
  await statusChange(page, 'im2col', '');
  assert.match(await page.textContent('[data-cols-shape]'), /18 × 9/);
  assert.equal(Number(await page.textContent('[data-im2col-diff]')), 0);
  await page.$eval('[data-demo="im2col"] [data-field="stride"]', (el) => {
    el.value = '2';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() =>
    /18 × 4/.test(document.querySelector('[data-cols-shape]').textContent),
  );
  assert.equal(Number(await page.textContent('[data-im2col-diff]')), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('convolution: box * box is a triangle; an asymmetric kernel separates conv from correlation', async () => {
  const { page, errors } = await openDemo(site, '/demos/convolution.html');
  await statusChange(page, 'conv-1d', '');
  assert.equal(Number(await page.textContent('[data-conv-corr-diff]')), 0);
  await page.selectOption('[data-demo="conv-1d"] [data-field="g"]', 'ramp');
  await page.waitForFunction(
    () => Number(document.querySelector('[data-conv-corr-diff]').textContent) > 0.1,
  );
  assert.equal(
    Number(await page.textContent('[data-matrix-diff]')),
    0,
    'Toeplitz matmul equals conv2d',
  );
  assert.equal(
    Number(await page.textContent('[data-loops-diff]')),
    0,
    'the loop nest equals conv2d',
  );
  // Changing a weight of the matrix demo changes its conv2d output.
  const before = await page.textContent('[data-conv-result]');
  await page.fill('[data-weight="0"]', '5');
  await page.waitForFunction(
    (b) => document.querySelector('[data-conv-result]').textContent !== b,
    before,
  );
  assert.equal(Number(await page.textContent('[data-matrix-diff]')), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('parameters: counts from the real layers, for the lecture preset and user sizes', async () => {
  const { page, errors } = await openDemo(site, '/demos/parameters.html');
  const count = async (id) =>
    Number((await page.textContent(`[data-weights="${id}"]`)).replace(/,/g, ''));
  assert.equal(await count('fc'), 1_600_000_000);
  assert.equal(await count('local'), 4_000_000);
  assert.equal(await count('conv'), 10_000);
  await page.fill('[data-field="size"]', '28');
  await page.fill('[data-field="hidden"]', '100');
  await page.fill('[data-field="field"]', '5');
  await page.fill('[data-field="filters"]', '6');
  await page.waitForFunction(
    () => document.querySelector('[data-weights="fc"]').textContent.trim() === '78,400',
  );
  assert.equal(await count('local'), 784 * 25);
  assert.equal(await count('conv'), 6 * 25);
  await page.click('[data-run-forward]');
  await page.waitForFunction(() => document.querySelectorAll('[data-ran]').length === 3, null, {
    timeout: 30_000,
  });
  assert.match(await page.textContent('[data-row="conv"] [data-ran]'), /\[1, 6, 28, 28\]/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('jacobians: ReLU is diagonal, a VJP matches vᵀJ, the big Jacobian is refused', async () => {
  const { page, errors } = await openDemo(site, '/demos/jacobians.html');
  await statusChange(page, 'jacobian', '');
  assert.equal((await page.textContent('[data-jacobian-shape]')).trim(), '24 × 24');
  assert.ok(Number(await page.textContent('[data-vjp-diff]')) < 1e-4);
  await page.click('[data-fn="fc"]');
  await page.waitForFunction(
    () => document.querySelector('[data-jacobian-shape]').textContent.trim() === '18 × 24',
  );
  await page.click('[data-fn="softmax"]');
  await page.waitForFunction(
    () => document.querySelector('[data-jacobian-shape]').textContent.trim() === '24 × 24',
  );
  assert.equal((await page.textContent('[data-full-bytes]')).trim(), '671 GB');
  await page.fill('[data-field="d"]', '1024');
  await page.fill('[data-field="batch"]', '8');
  await page.click('[data-run-vjp]');
  await page.waitForSelector('[data-vjp-result]', { timeout: 30_000 });
  assert.match(await page.textContent('[data-vjp-result]'), /jacobian: .*entries, over the limit/);
  assert.deepEqual(errors, []);
  await page.close();
});
