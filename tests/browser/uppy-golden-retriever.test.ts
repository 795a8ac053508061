import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { launchChromium, type TestBrowser } from '../support/chromium.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { serveBundledPage, type BundledPage } from '../support/bundled-page.js';
import { openMultipartUploads, startTestStack, storedSourceSha256, type TestStack } from '../support/test-stack.js';
import type { ApiCall } from './uppy-page/page-support.js';
import type { FileView, ResumeReport, Saved } from './uppy-page/golden-retriever.js';

let stack: TestStack | undefined;
/** Between the edge's signed URLs and the S3 emulator: holds the parts the test says to. */
let proxy: FaultProxy | undefined;
let browser: TestBrowser | undefined;
let served: BundledPage | undefined;
let page: Page;
const pageProblems: string[] = [];

/** Sets Uppy up in the page just loaded, as the page would on every load. */
async function setUpPage(): Promise<void> {
  await page.waitForFunction('window.goldenRetrieverTest !== undefined', undefined, { timeout: 30_000 });
  await page.evaluate(`window.goldenRetrieverTest.setup(${JSON.stringify({ endpoint: stack!.apiUrl, token: stack!.token })})`);
}

beforeAll(async () => {
  stack = await startTestStack({ fleet: false, s3Front: async (endpoint) => (proxy = await startFaultProxy(endpoint)) });
  served = await serveBundledPage(new URL('./uppy-page/golden-retriever.ts', import.meta.url), 'Uppy, Golden Retriever and Hoist');
  browser = await launchChromium();
  page = await browser.browser.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && pageProblems.push(`console: ${message.text()}`));
  await page.goto(served.url, { timeout: 30_000 });
  await setUpPage();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await stack?.stop();
});

/** Evaluates `window.goldenRetrieverTest.<call>` in the page (a string, so no transform touches it). */
const inPage = <T>(call: string): Promise<T> => page.evaluate(`window.goldenRetrieverTest.${call}`) as Promise<T>;

/** Polls `check` until it returns something, failing after `timeoutMs` with `what` and the page's problems. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}; ${pageProblems.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const describeCalls = (calls: ApiCall[]) => calls.map((c) => [c.procedure, c.mode, c.checksum, c.parts].filter(Boolean).join(':'));


describe('Uppy with Golden Retriever and the Hoist adapter, in Chromium, across a page reload', () => {
  it('resumes the restored upload, sends only the parts S3 did not take, and stores exactly the file', async () => {
    // Four parts: 5 + 5 + 5 MiB and the rest. Parts 1 and 2 reach S3; part 3 is held, unanswered.
    const size = 15 * MiB + 777_777;
    const name = 'restored clip.mp4';
    proxy!.setRule(({ partNumber }) => (partNumber >= 3 ? 'stall' : 'pass'));
    const { fileId, sha256 } = await inPage<{ fileId: string; sha256: string }>(`start(${JSON.stringify({ name, type: 'video/mp4', size })})`);
    await waitFor('part 3 to be held', async () => (proxy!.puts.some((p) => p.partNumber === 3) ? true : undefined), 30_000);
    expect(proxy!.puts.map((p) => `${p.partNumber}:${p.status}`)).toEqual(['1:200', '2:200', '3:0']);
    expect(await inPage<number[]>('partsUploaded()')).toEqual([1, 2]);
    const s3UploadId = proxy!.puts[0]!.uploadId;
    expect(new Set(proxy!.puts.map((p) => p.uploadId))).toEqual(new Set([s3UploadId]));
    expect(await openMultipartUploads(stack!)).toEqual([s3UploadId]);
    expect(describeCalls(await inPage<ApiCall[]>('apiCalls()'))).toEqual(['uploads.create:multipart:sha256', 'uploads.signParts:1-1', 'uploads.signParts:2-4']);

    // Golden Retriever saves Uppy's state at most every 500 ms and the file's bytes on their own:
    // reload once both are saved, as a user would some time into a long upload.
    const saved = await waitFor(
      'Golden Retriever to save the file and its state',
      async () => {
        const now = await inPage<Saved>(`saved(${JSON.stringify(fileId)})`);
        return now.upToDate && now.blobSize === size ? now : undefined;
      },
      15_000,
    );
    expect(saved.s3Multipart?.uploadId).toBeTruthy();
    const videoId = saved.s3Multipart!.key;
    expect(videoId).toMatch(/^[0-9a-z]{26}$/);

    // Same origin, same browser profile: IndexedDB survives; the held part 3 is dropped with the page.
    proxy!.setRule(() => 'pass');
    const putsBefore = proxy!.puts.length;
    await page.reload({ timeout: 30_000 });
    await setUpPage();
    const restored = await inPage<FileView[]>('restoredFiles(15000)');
    expect(restored).toEqual([{ id: fileId, isRestored: true, isGhost: false, dataSize: size, s3Multipart: saved.s3Multipart }]);

    const report = await inPage<ResumeReport>('resume(60000)');
    expect(report.failed, pageProblems.join('\n')).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.successful.map((f) => f.key)).toEqual([videoId]);
    expect(await storedSourceSha256(stack!, videoId, name)).toBe(sha256);
    // The same S3 upload went on: nothing was created again, nothing left behind.
    const resent = proxy!.puts.slice(putsBefore);
    expect(new Set(resent.map((p) => p.uploadId))).toEqual(new Set([s3UploadId]));
    expect(await openMultipartUploads(stack!)).toEqual([]);
    // The emulator has no ListParts (the edge answers NOT_IMPLEMENTED), so what S3 holds is known
    // from the ETags the adapter kept on the Uppy file, which Golden Retriever saved and restored:
    // parts 1 and 2 are not sent again, and complete lists all four with their ETags.
    expect(resent.map((p) => `${p.partNumber}:${p.status}`)).toEqual(['3:200', '4:200']);
    expect(report.partsUploaded).toEqual([3, 4]);
    expect(describeCalls(await inPage<ApiCall[]>('apiCalls()'))).toEqual(['uploads.listParts', 'uploads.signParts:3-3', 'uploads.signParts:4-4', 'uploads.complete']);
    // The console does log the 501 of listParts; nothing in the page threw.
    expect(pageProblems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});
