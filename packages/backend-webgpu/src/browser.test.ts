/**
 * The backend in headless Chromium: bundle a page (src/test/browser/entry.ts) with esbuild,
 * serve it on http://127.0.0.1 (WebGPU needs a secure context), open it in Debian's
 * /usr/bin/chromium through playwright-core with WebGPU enabled (SwiftShader there), and
 * collect the kernel checks and the full conformance suite the page runs.
 * Outside CI a machine without Chromium skips this file; in CI that is a failure.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases } from '@tessera/core/testing';
import { inCI } from './test/harness.js';

const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && inCI)
  throw new Error(`browser tests: no Chromium at ${CHROMIUM} (install Debian's 'chromium')`);

interface PageState {
  done: boolean;
  adapter?: string;
  outcomes: { name: string; ok: boolean; detail?: string }[];
  fatal?: string;
}

const ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  // Nothing on this page needs the network; keep Chromium from reaching out.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const result = await build({
    entryPoints: [here('./test/browser/entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    alias: { vitest: here('./test/browser/vitest-shim.ts') },
  });
  return result.outputFiles[0].text;
}

function serve(script: string): Promise<Server> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>tessera webgpu</title><script type="module" src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/bundle.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!haveChromium)('headless Chromium', () => {
  let server: Server | undefined;
  let state: PageState | undefined;
  const pageLog: string[] = [];

  beforeAll(async () => {
    server = await serve(await bundle());
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const page = await browser.newPage();
      page.on('console', (m) => pageLog.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction('globalThis.__tessera?.done === true', undefined, {
        timeout: 900_000,
        polling: 500,
      });
      state = (await page.evaluate('globalThis.__tessera')) as PageState;
    } finally {
      await browser.close();
    }
  }, 1_000_000);

  afterAll(() => {
    server?.close();
  });

  const failures = (prefix: string) =>
    (state?.outcomes ?? [])
      .filter((o) => o.name.startsWith(prefix) && !o.ok)
      .map((o) => `${o.name}: ${o.detail}`);

  it('finds a WebGPU adapter through navigator.gpu', () => {
    expect(state?.fatal, `page failed: ${state?.fatal}\n${pageLog.join('\n')}`).toBeUndefined();
    expect(state?.adapter).toBeTruthy();
    console.log(`[browser] adapter: ${state?.adapter}`);
  });

  it('kernel checks against naive loops pass in the page', () => {
    const ran = (state?.outcomes ?? []).filter((o) => o.name.startsWith('kernel '));
    expect(ran.length).toBeGreaterThanOrEqual(8);
    expect(failures('kernel ')).toEqual([]);
  });

  it('every conformance case passes in the page (tolerance 1e-3, leak checks)', () => {
    const ran = (state?.outcomes ?? []).filter((o) => o.name.startsWith('conformance '));
    expect(ran.length).toBe(allCases().length);
    expect(failures('conformance ')).toEqual([]);
    console.log(`[browser] conformance: ${ran.length} cases passed`);
  });
});
