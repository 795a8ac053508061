import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { REPO_ROOT } from '../../dev/stack.js';
import { launchChromium, type TestBrowser } from './chromium.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startTestStack, type TestStack } from './test-stack.js';

export { openMultipartUploads, storedSourceSha256 } from './test-stack.js';

/** Where browser tests keep their screenshots (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'browser');

export interface PageFixture {
  stack: TestStack;
  /** Between the browser and the S3 emulator: slows part PUTs down or breaks them on demand. */
  proxy: FaultProxy;
  chromium: TestBrowser;
  /** A scratch folder for clips, removed by `stop()`. */
  dir: string;
  /** Opens the upload page in a fresh context (its own IndexedDB and sessionStorage). */
  open(options?: { width?: number; height?: number; token?: string }): Promise<{ context: BrowserContext; page: Page }>;
  /** Closes every context `open` made, with its uploads. */
  closePages(): Promise<void>;
  stop(): Promise<void>;
}

/** The local stack with a fault proxy in front of S3, a headless Chromium and a scratch folder. */
export async function startPageFixture(options: { fleet: boolean; edgeVars?: Record<string, string>; fleetEnv?: Record<string, string> }): Promise<PageFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-page-test-'));
  let proxy: FaultProxy | undefined;
  const contexts: BrowserContext[] = [];
  const [stackResult, browserResult] = await Promise.allSettled([
    startTestStack({
      fleet: options.fleet,
      fleetEnv: { LADDER: '360,240', X264_PRESET: 'ultrafast', POOL_SIZE: '2', ...options.fleetEnv },
      ...(options.edgeVars ? { edgeVars: options.edgeVars } : {}),
      s3Front: async (endpoint) => (proxy = await startFaultProxy(endpoint)),
    }),
    launchChromium(),
  ]);
  if (stackResult.status === 'rejected' || browserResult.status === 'rejected') {
    if (stackResult.status === 'fulfilled') await stackResult.value.stop();
    if (browserResult.status === 'fulfilled') await browserResult.value.close();
    await rm(dir, { recursive: true, force: true });
    throw stackResult.status === 'rejected' ? stackResult.reason : (browserResult as PromiseRejectedResult).reason;
  }
  const stack = stackResult.value;
  const chromium = browserResult.value;
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const closePages = async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
  };
  return {
    stack,
    proxy: proxy!,
    chromium,
    dir,
    async open({ width = 1280, height = 900, token = stack.token } = {}) {
      const context = await chromium.browser.newContext({ viewport: { width, height } });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${stack.apiUrl}/#token=${token}`);
      return { context, page };
    },
    closePages,
    async stop() {
      await closePages();
      await chromium.close();
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The upload bar as the page shows it. */
export async function uploadBar(page: Page): Promise<{ value: number; max: number; partsDone: number; partCount: number }> {
  return page.locator('#upload-progress').evaluate((bar: HTMLProgressElement) => {
    const parts = /(\d+) of (\d+) parts/.exec(bar.getAttribute('aria-valuetext') ?? '');
    return { value: bar.value, max: bar.max, partsDone: Number(parts?.[1] ?? 0), partCount: Number(parts?.[2] ?? 0) };
  });
}

/**
 * Waits until the page reports at least `parts` parts uploaded; with 0, until its first progress
 * report (which names the part count), so the upload is known to be under way.
 */
export async function waitForParts(page: Page, parts: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const done = /(\d+) of \d+ parts/.exec(document.getElementById('upload-progress')?.getAttribute('aria-valuetext') ?? '');
      return done !== null && Number(done[1]) >= n;
    },
    parts,
    { timeout, polling: 50 },
  );
}

/** Waits until the upload is complete (processing shows the video id); returns the id. */
export async function waitForUploadDone(page: Page, timeout = 90_000): Promise<string> {
  const id = await page
    .waitForFunction(() => document.getElementById('video-id')?.textContent || undefined, null, { timeout, polling: 100 })
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n--- the page says ---\n${await pageSays(page).catch(() => '(page gone)')}`);
    });
  return String(await id.jsonValue());
}

/** Records each distinct text the status line and upload note show, in order, for messages that come and go. */
export async function recordMessages(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { hoistMessages: string[] }).hoistMessages = seen;
    const observer = new MutationObserver(() => {
      for (const id of ['status', 'upload-note']) {
        const text = document.getElementById(id)?.textContent ?? '';
        if (text && !seen.includes(text)) seen.push(text);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    // Held on purpose: an observer nothing refers to may be collected, and then records nothing.
    (window as unknown as { hoistMessagesObserver: MutationObserver }).hoistMessagesObserver = observer;
  });
  return () => page.evaluate(() => (window as unknown as { hoistMessages: string[] }).hoistMessages);
}

export async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** What the page is saying right now, for failure messages. */
export async function pageSays(page: Page): Promise<string> {
  return page.evaluate(() =>
    ['alert', 'status', 'upload-note', 'processing-state']
      .map((id) => `${id}: ${document.getElementById(id)?.textContent?.trim() ?? ''}`)
      .join('\n'),
  );
}

/** Waits for `text` to show, failing with what the page said instead. */
export async function waitForText(page: Page, text: string | RegExp, timeout: number): Promise<void> {
  await page
    .getByText(text)
    .first()
    .waitFor({ timeout })
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n--- the page says ---\n${await pageSays(page).catch(() => '(page gone)')}`);
    });
}

/** Records every value the upload bar takes (a MutationObserver on its `value`), in order. */
export async function recordUploadBar(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const values: number[] = [];
    (window as unknown as { hoistBar: number[] }).hoistBar = values;
    const bar = document.getElementById('upload-progress') as HTMLProgressElement;
    const observer = new MutationObserver(() => values.push(bar.value));
    observer.observe(bar, { attributes: true, attributeFilter: ['value'] });
    // Held on purpose: an observer nothing refers to may be collected, and then records nothing.
    (window as unknown as { hoistBarObserver: MutationObserver }).hoistBarObserver = observer;
  });
  return () => page.evaluate(() => (window as unknown as { hoistBar: number[] }).hoistBar);
}

/** One DevTools session per page, so each change replaces the last rather than adding to it. */
const networkSessions = new WeakMap<Page, CDPSession>();

/**
 * Chromium's own network emulation for `page`: upload bandwidth (bytes per second; null for
 * none) and being offline. It throttles the request body as the network stack sends it, so
 * XMLHttpRequest's upload progress moves at that rate, as it does on a real slow link.
 */
export async function emulateNetwork(page: Page, conditions: { uploadBytesPerSecond?: number | null; offline?: boolean }): Promise<void> {
  let cdp = networkSessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    networkSessions.set(page, cdp);
  }
  await cdp.send('Network.emulateNetworkConditions', {
    offline: conditions.offline ?? false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: conditions.uploadBytesPerSecond ?? -1,
  });
}
