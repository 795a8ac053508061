import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startTestStack, type TestStack } from './test-stack.js';

export interface BundledPage {
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles a browser module with esbuild and serves it under a bare index.html on loopback: one
 * origin for as long as it runs, so a reload finds the page's IndexedDB again.
 */
export async function serveBundledPage(entry: URL, title: string): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-test-page-'));
  try {
    await build({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      outfile: join(dir, 'main.js'),
      logLevel: 'silent',
    });
    await writeFile(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/main.js"></script>`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const files: Record<string, [string, string]> = { '/': ['index.html', 'text/html'], '/main.js': ['main.js', 'text/javascript'] };
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    readFile(join(dir, file[0])).then(
      (body) => response.writeHead(200, { 'content-type': file[1] }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface BundledPageFixture {
  /** The stack without the fleet. */
  stack: TestStack;
  /** Between the edge's signed URLs and the S3 emulator; passes everything until told otherwise. */
  proxy: FaultProxy;
  /** One Chromium page, loaded from the bundled module. */
  page: Page;
  /** What the page threw or logged as an error, in order, for failure messages. */
  problems: string[];
  /** Closes the browser, the page's server and the stack. */
  stop(): Promise<void>;
}

/**
 * The local stack (no fleet) with a fault proxy in front of S3, `entry` bundled and served as
 * by `serveBundledPage`, and a headless Chromium page loaded from it. If any part fails to
 * start, what did start is stopped again.
 */
export async function startBundledPageFixture(entry: URL, title: string, options: { fleetEnv?: Record<string, string> } = {}): Promise<BundledPageFixture> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const next of stops.splice(0).reverse()) await next();
  };
  try {
    // The page's origin must be known before the stack starts: the bucket's and the API's CORS rules name it.
    const served = await serveBundledPage(entry, title);
    stops.push(() => served.close());
    let proxy: FaultProxy | undefined;
    const stack = await startTestStack({
      // With fleet settings, the fleet runs too: uploads are processed.
      fleet: options.fleetEnv !== undefined,
      ...(options.fleetEnv ? { fleetEnv: options.fleetEnv } : {}),
      s3Front: async (endpoint) => (proxy = await startFaultProxy(endpoint)),
      corsOrigins: [new URL(served.url).origin],
    });
    stops.push(() => stack.stop());
    const chromium = await launchChromium();
    stops.push(() => chromium.close());
    const page = await chromium.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    await page.goto(served.url, { timeout: 30_000 });
    return { stack, proxy: proxy!, page, problems, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
