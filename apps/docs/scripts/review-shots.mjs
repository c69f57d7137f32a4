// Review helper (not a test): element screenshots of every demo card at a given width.
// Usage: node scripts/review-shots.mjs 390 /demos/im2col.html ... (after a build)
import { serve } from '../test/serve.mjs';
import { launch, openPage, waitForTessera, SHOTS } from '../test/browser.mjs';
import { mkdirSync } from 'node:fs';
const width = Number(process.argv[2] ?? 390);
const pages = process.argv.slice(3);
const srv = await serve();
const b = await launch();
const { page, errors } = await openPage(b.context, { width, height: 844 });
mkdirSync(SHOTS, { recursive: true });
for (const p of pages) {
  await page.goto(srv.url + p);
  await waitForTessera(page);
  await page.waitForTimeout(1500);
  const demos = await page.$$('[data-demo]');
  for (const d of demos) {
    const id = await d.getAttribute('data-demo');
    await d.screenshot({ path: `${SHOTS}/review-${width}-${id}.png` });
    console.log(`${SHOTS}/review-${width}-${id}.png`);
  }
}
console.log(errors);
await b.close();
await srv.close();
