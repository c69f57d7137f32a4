import { serve } from '/work/main/apps/docs/test/serve.mjs';
import { launch, openPage, screenshot, waitForTessera } from '/work/main/apps/docs/test/browser.mjs';
const srv = await serve();
const b = await launch({ webgpu: true });
const pages = process.argv.slice(2);
for (const p of pages) {
  const { page, errors } = await openPage(b.context);
  const t0 = Date.now();
  await page.goto(srv.url + p);
  let active = '';
  try { active = await waitForTessera(page, 20000); } catch (e) { active = 'TIMEOUT'; }
  await page.waitForTimeout(3000);
  const shot = await screenshot(page, 'smoke-' + p.replace(/[\/.]/g, '_'), { fullPage: true });
  console.log(p, 'backend', active, 'ms', Date.now() - t0, 'errors', errors, shot);
  await page.close();
}
await b.close(); await srv.close();
