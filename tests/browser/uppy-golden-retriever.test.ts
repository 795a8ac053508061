import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { startBundledPageFixture, type BundledPageFixture } from '../support/bundled-page.js';
import { openMultipartUploads, storedSourceSha256 } from '../support/test-stack.js';
import { describeApiCall, type ApiCall } from './uppy-page/page-support.js';
import type { FileView, ResumeReport, Saved } from './uppy-page/golden-retriever.js';

/** Its fault proxy holds back the parts the test says to. */
let fx: BundledPageFixture;

/** Sets Uppy up in the page just loaded, as the page would on every load. */
async function setUpPage(): Promise<void> {
  await fx.page.waitForFunction('window.goldenRetrieverTest !== undefined', undefined, { timeout: 30_000 });
  await fx.page.evaluate(`window.goldenRetrieverTest.setup(${JSON.stringify({ endpoint: fx.stack.apiUrl, token: fx.stack.token })})`);
}

beforeAll(async () => {
  fx = await startBundledPageFixture(new URL('./uppy-page/golden-retriever.ts', import.meta.url), 'Uppy, Golden Retriever and Hoist');
  await setUpPage();
});

afterAll(async () => {
  await fx?.stop();
});

/** Evaluates `window.goldenRetrieverTest.<call>` in the page (a string, so no transform touches it). */
const inPage = <T>(call: string): Promise<T> => fx.page.evaluate(`window.goldenRetrieverTest.${call}`) as Promise<T>;

/** Polls `check` until it returns something, failing after `timeoutMs` with `what` and the page's problems. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}; ${fx.problems.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The API calls the adapter made on this page load, as `describeApiCall` puts them. */
const apiCalls = async () => (await inPage<ApiCall[]>('apiCalls()')).map(describeApiCall);

describe('Uppy with Golden Retriever and the Hoist adapter, in Chromium, across a page reload', () => {
  it('resumes the restored upload, sends only the parts S3 did not take, and stores exactly the file', async () => {
    // Four parts: 5 + 5 + 5 MiB and the rest. Parts 1 and 2 reach S3; part 3 is held, unanswered.
    const size = 15 * MiB + 777_777;
    const name = 'restored clip.mp4';
    fx.proxy.setRule(({ partNumber }) => (partNumber >= 3 ? 'stall' : 'pass'));
    const { fileId, sha256 } = await inPage<{ fileId: string; sha256: string }>(`start(${JSON.stringify({ name, type: 'video/mp4', size })})`);
    await waitFor('part 3 to be held', async () => (fx.proxy.puts.some((p) => p.partNumber === 3) ? true : undefined), 30_000);
    expect(fx.proxy.puts.map((p) => `${p.partNumber}:${p.status}`)).toEqual(['1:200', '2:200', '3:0']);
    expect(await inPage<number[]>('partsUploaded()')).toEqual([1, 2]);
    const s3UploadId = fx.proxy.puts[0]!.uploadId;
    expect(new Set(fx.proxy.puts.map((p) => p.uploadId))).toEqual(new Set([s3UploadId]));
    expect(await openMultipartUploads(fx.stack)).toEqual([s3UploadId]);
    expect(await apiCalls()).toEqual(['uploads.create:multipart:crc32c', 'uploads.signParts:1-1', 'uploads.signParts:2-4']);

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
    fx.proxy.setRule(() => 'pass');
    const putsBefore = fx.proxy.puts.length;
    await fx.page.reload({ timeout: 30_000 });
    await setUpPage();
    const restored = await inPage<FileView[]>('restoredFiles(15000)');
    expect(restored).toEqual([{ id: fileId, isRestored: true, isGhost: false, dataSize: size, s3Multipart: saved.s3Multipart }]);

    const report = await inPage<ResumeReport>('resume(60000)');
    expect(report.failed, fx.problems.join('\n')).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.successful.map((f) => f.key)).toEqual([videoId]);
    expect(await storedSourceSha256(fx.stack, videoId, name)).toBe(sha256);
    // The same S3 upload went on: nothing was created again, nothing left behind.
    const resent = fx.proxy.puts.slice(putsBefore);
    expect(new Set(resent.map((p) => p.uploadId))).toEqual(new Set([s3UploadId]));
    expect(await openMultipartUploads(fx.stack)).toEqual([]);
    // The emulator has no ListParts (the edge answers NOT_IMPLEMENTED), so what S3 holds is known
    // from the ETags the adapter kept on the Uppy file, which Golden Retriever saved and restored:
    // parts 1 and 2 are not sent again, and complete lists all four with their ETags.
    expect(resent.map((p) => `${p.partNumber}:${p.status}`)).toEqual(['3:200', '4:200']);
    expect(report.partsUploaded).toEqual([3, 4]);
    expect(await apiCalls()).toEqual(['uploads.listParts', 'uploads.signParts:3-3', 'uploads.signParts:4-4', 'uploads.complete']);
    // The console does log the 501 of listParts; nothing in the page threw.
    expect(fx.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});
