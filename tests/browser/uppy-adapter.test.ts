import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { startBundledPageFixture, type BundledPageFixture } from '../support/bundled-page.js';
import { multipartUploadsDir, openMultipartUploads, storedSourceSha256 } from '../support/test-stack.js';
import type { UploadReport, UploadRequest } from './uppy-page/main.js';
import { describeApiCall, type ApiCall } from './uppy-page/page-support.js';

let fx: BundledPageFixture;

beforeAll(async () => {
  fx = await startBundledPageFixture(new URL('./uppy-page/main.ts', import.meta.url), 'Uppy through Hoist');
  await fx.page.waitForFunction('window.uppyTest !== undefined', undefined, { timeout: 30_000 });
});

afterAll(async () => {
  await fx?.stop();
});

/** Runs one upload in the page, bounded: a hung upload fails the test rather than the suite. */
async function uploadInPage(request: Omit<UploadRequest, 'endpoint' | 'token'>, timeoutMs = 120_000): Promise<UploadReport> {
  const args = JSON.stringify({ ...request, endpoint: fx.stack.apiUrl, token: fx.stack.token });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`upload in the page took over ${timeoutMs / 1000} s; ${fx.problems.join('; ')}`)), timeoutMs);
  });
  try {
    // A string, so the test runner's transforms never touch code that runs in the page.
    return await Promise.race([fx.page.evaluate(`window.uppyTest.upload(${args})`) as Promise<UploadReport>, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The upload succeeded, and S3 stores exactly the bytes the page handed Uppy as `name`. */
async function expectStored(report: UploadReport, name: string): Promise<void> {
  expect(report.failed, fx.problems.join('\n')).toEqual([]);
  expect(report.successful).toHaveLength(1);
  expect(await storedSourceSha256(fx.stack, report.successful[0]!.key, name)).toBe(report.sha256);
}

/** The API calls the adapter made for the page's last upload, as `describeApiCall` puts them. */
async function apiCalls(): Promise<string[]> {
  const calls = (await fx.page.evaluate('window.uppyTest.apiCalls()')) as ApiCall[];
  return calls.map(describeApiCall);
}

/**
 * A proxy rule that notes, at the first PUT of `partNumber`, which multipart uploads the
 * emulator holds: proof that the folder `openMultipartUploads` reads is the right one.
 */
function notePendingAt(partNumber: number, then: (put: { partNumber: number; attempt: number }) => 'pass' | 'fail' = () => 'pass') {
  const seen: string[][] = [];
  fx.proxy.setRule((put) => {
    if (put.partNumber === partNumber && put.attempt === 1) seen.push(readdirSync(multipartUploadsDir(fx.stack)));
    return then(put);
  });
  return seen;
}

/**
 * Unfinished multipart uploads once the adapter has called `uploads.abort` and the abort has had
 * time to land (Uppy does not wait for it); at most 15 s in all.
 */
async function pendingAfterAbort(): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  while (!(await apiCalls()).includes('uploads.abort') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  let pending = await openMultipartUploads(fx.stack);
  while (pending.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pending = await openMultipartUploads(fx.stack);
  }
  return pending;
}

describe('Uppy with @uppy/aws-s3 uploading through the Hoist adapter, in Chromium', () => {
  beforeEach(() => fx.proxy.setRule(() => 'pass'));

  it('uploads a three-part file and S3 stores exactly its bytes', async () => {
    const size = 12 * MiB + 12_345;
    const report = await uploadInPage({ name: 'uppy clip.mp4', type: 'video/mp4', size });
    await expectStored(report, 'uppy clip.mp4');
    expect(report.completeEvents).toBe(1);
    expect(report.partsUploaded).toEqual([1, 2, 3]);
    expect(report.progressMax).toBe(size);
    const [uploaded] = report.successful;
    // Uppy's key is the Hoist video id; its upload URL the video's status query.
    expect(uploaded?.key).toMatch(/^[0-9a-z]{26}$/);
    expect(uploaded?.uploadURL).toBe(`${fx.stack.apiUrl}/trpc/videos.status?input=${encodeURIComponent(JSON.stringify({ videoId: uploaded?.key }))}`);
    expect(await openMultipartUploads(fx.stack)).toEqual([]);
    // Each part's SHA-256 is signed into its URL (the default): the first part alone, so it
    // starts at once, and the next ones together, hashed while the first is sent.
    expect(await apiCalls()).toEqual(['uploads.create:multipart:crc32c', 'uploads.signParts:1-1', 'uploads.signParts:2-3', 'uploads.complete']);
  });

  it('sends a file smaller than one part as Hoist\'s single signed PUT, confirmed by complete', async () => {
    const report = await uploadInPage({ name: 'short.mp4', type: 'video/mp4', size: MiB + 3 });
    await expectStored(report, 'short.mp4');
    expect(report.partsUploaded).toEqual([1]);
    expect(await apiCalls()).toEqual(['uploads.create:single:crc32c', 'uploads.signParts:1-1', 'uploads.complete']);
  });

  it('without checksums, signs up to 100 parts in one call ahead of need', async () => {
    const size = 56 * MiB + 1;
    const report = await uploadInPage({ name: 'plain.mp4', type: 'video/mp4', size, checksums: false });
    await expectStored(report, 'plain.mp4');
    expect(report.partsUploaded).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await apiCalls()).toEqual(['uploads.create:multipart', 'uploads.signParts:1-12', 'uploads.complete']);
  });

  it('with checksums, hashes the next eight parts while Uppy sends and signs them in one call', async () => {
    const report = await uploadInPage({ name: 'hashed.mp4', type: 'video/mp4', size: 48 * MiB });
    await expectStored(report, 'hashed.mp4');
    expect(report.partsUploaded).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Part 6 handed out leaves four signed ahead: the next batch (here only part 10) is started.
    expect(await apiCalls()).toEqual([
      'uploads.create:multipart:crc32c',
      'uploads.signParts:1-1',
      'uploads.signParts:2-9',
      'uploads.signParts:10-10',
      'uploads.complete',
    ]);
  });

  it('pauses and resumes (ListParts is missing locally: the parts this page saw stored are kept)', async () => {
    const report = await uploadInPage({ name: 'paused.mp4', type: 'video/mp4', size: 11 * MiB, after: { parts: 1, action: 'pause' } });
    await expectStored(report, 'paused.mp4');
    expect(report.partsUploaded[0]).toBe(1);
    expect(report.partsUploaded.at(-1)).toBe(3);
    // Resuming asks which parts S3 holds (NOT_IMPLEMENTED here); the URLs signed ahead still
    // serve. Parts 2-3 are signed while part 1 is sent, before or after the pause.
    expect((await apiCalls()).sort()).toEqual(
      ['uploads.create:multipart:crc32c', 'uploads.signParts:1-1', 'uploads.signParts:2-3', 'uploads.listParts', 'uploads.complete'].sort(),
    );
  });

  it('retried after a part failed, it resumes the same upload with a fresh URL for that part', async () => {
    // Uppy tries a part four times on a 5xx or network error; then the file fails until retried.
    fx.proxy.setRule(({ partNumber, attempt }) => (partNumber === 2 && attempt <= 4 ? 'fail' : 'pass'));
    const putsBefore = fx.proxy.puts.length;
    const report = await uploadInPage({ name: 'retried.mp4', type: 'video/mp4', size: 13 * MiB, retryFailed: true });
    await expectStored(report, 'retried.mp4');
    expect(report.errors).toHaveLength(1);
    // Part 2 is signed again for the retry; ListParts is NOT_IMPLEMENTED here, so the part this
    // page saw stored (part 1) is what Uppy is told S3 holds.
    expect(await apiCalls()).toEqual([
      'uploads.create:multipart:crc32c',
      'uploads.signParts:1-1',
      'uploads.signParts:2-3',
      'uploads.listParts',
      'uploads.signParts:2-2',
      'uploads.complete',
    ]);
    expect(fx.proxy.puts.slice(putsBefore).map((p) => `${p.partNumber}:${p.status}`)).toEqual(['1:200', '2:500', '2:500', '2:500', '2:500', '2:200', '3:200']);
  });

  it('paused while its upload is being created, it resumes that same upload', async () => {
    const report = await uploadInPage({ name: 'paused early.mp4', type: 'video/mp4', size: 6 * MiB, whileCreating: 'pause' });
    await expectStored(report, 'paused early.mp4');
    expect(await apiCalls()).toEqual(['uploads.create:multipart:crc32c', 'uploads.signParts:1-1', 'uploads.signParts:2-2', 'uploads.complete']);
    expect(await openMultipartUploads(fx.stack)).toEqual([]);
  });

  it('refuses what the edge refuses, with the edge\'s reason, and an empty file', async () => {
    const refused = await uploadInPage({ name: 'notes.txt', type: 'text/plain', size: 10 });
    expect(refused.successful).toEqual([]);
    expect(refused.failed.join('\n')).toMatch(/the edge refused to create the upload: .*text\/plain is not accepted/);
    const empty = await uploadInPage({ name: 'empty.mp4', type: 'video/mp4', size: 0 });
    expect(empty.successful).toEqual([]);
    expect(empty.failed.join('\n')).toContain('Hoist takes files of 1 byte or more');
    expect(await openMultipartUploads(fx.stack)).toEqual([]);
  });

  it('cancelling leaves no multipart upload behind', async () => {
    const seen = notePendingAt(1);
    const putsBefore = fx.proxy.puts.length;
    const report = await uploadInPage({ name: 'cancelled.mp4', type: 'video/mp4', size: 16 * MiB, after: { parts: 1, action: 'cancel' } });
    expect(report.cancelled).toBe(true);
    expect(report.successful).toEqual([]);
    expect(seen[0]).toContain(fx.proxy.puts[putsBefore]?.uploadId);
    expect(await pendingAfterAbort()).toEqual([]);
    // Parts 2-4 are hashed while part 1 is sent; whether they are signed before the cancel lands is a race.
    const calls = (await apiCalls()).filter((c) => c !== 'uploads.signParts:2-4');
    expect(calls).toEqual(['uploads.create:multipart:crc32c', 'uploads.signParts:1-1', 'uploads.abort']);
  });

  it('a failed upload whose file is then removed is aborted, though Uppy keeps failed ones for a retry', async () => {
    const seen = notePendingAt(2, ({ partNumber }) => (partNumber === 2 ? 'fail' : 'pass'));
    const putsBefore = fx.proxy.puts.length;
    const report = await uploadInPage({ name: 'failed.mp4', type: 'video/mp4', size: 11 * MiB, removeFailed: true });
    expect(report.successful).toEqual([]);
    expect(report.failed).toHaveLength(1);
    expect(seen[0]).toContain(fx.proxy.puts[putsBefore]?.uploadId);
    expect(await pendingAfterAbort()).toEqual([]);
    expect((await apiCalls()).filter((c) => c === 'uploads.abort')).toHaveLength(1);
  });

  it('refuses AwsS3 options it cannot honour before creating anything', async () => {
    for (const [override, reason] of [
      ['shouldUseMultipart', 'shouldUseMultipart must stay true'],
      ['getChunkSize', 'getChunkSize must stay hoistChunkSize'],
    ] as const) {
      const report = await uploadInPage({ name: 'options.mp4', type: 'video/mp4', size: 6 * MiB, override });
      expect(report.successful).toEqual([]);
      expect(report.failed.join('\n')).toContain(reason);
      expect(await apiCalls()).toEqual([]);
    }
  });

  it('a token function that throws fails the file with its reason and creates nothing', async () => {
    const report = await uploadInPage({ name: 'no token.mp4', type: 'video/mp4', size: 6 * MiB, tokenThrows: true });
    expect(report.successful).toEqual([]);
    expect(report.failed.join('\n')).toContain('could not create the upload: no session: sign in again');
    expect(await apiCalls()).toEqual([]);
  });

  it('a file removed while its upload is being created has that upload aborted too', async () => {
    // Uppy never learns this upload's id, so it cannot abort it: the adapter does.
    const report = await uploadInPage({ name: 'removed.mp4', type: 'video/mp4', size: 11 * MiB, whileCreating: 'remove' });
    expect(report.cancelled).toBe(true);
    expect(await pendingAfterAbort()).toEqual([]);
    expect(await apiCalls()).toEqual(['uploads.create:multipart:crc32c', 'uploads.abort']);
  });
});
