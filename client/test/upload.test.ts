import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import type { FaultProxy } from '../../tests/support/fault-proxy.js';
import type { TestStack } from '../../tests/support/test-stack.js';
import { abortAtS3 } from '../src/abort-upload.js';
import { createApiClient } from '../src/api-client.js';
import { fileResumeStore, fileSource, nodeHttpTransport, uploadFile, type UploadFileOptions } from '../src/node/index.js';
import { startUpload } from '../src/upload-session.js';
import { UploadError } from '../src/upload-errors.js';
import type { UploadEvent } from '../src/upload-session.js';
import { wasmCrc32c } from '../src/crc32c.js';
import { compositeCrc32cOf, fileSha256, storedSha256, writePatternFile, startClientFixture, type ClientFixture } from './support.js';

let stack: TestStack;
let proxy: FaultProxy;
let dir: string;
let big: string;
let small: string;

let fx: ClientFixture;

beforeAll(async () => {
  fx = await startClientFixture();
  ({ stack, proxy, dir } = fx);
  big = join(dir, 'big clip.mp4');
  small = join(dir, 'small.mp4');
  await writePatternFile(big, 110 * MiB + 17);
  await writePatternFile(small, 21 * MiB, 2);
});

afterAll(async () => {
  await fx?.stop();
});

beforeEach(() => proxy.setRule(() => 'pass'));

const options = (extra: Partial<UploadFileOptions> = {}): UploadFileOptions => ({
  endpoint: stack.apiUrl,
  token: stack.token,
  resumeDir: join(dir, 'state'),
  retry: { baseDelayMs: 20, maxDelayMs: 200 },
  ...extra,
});
const sourceKey = (videoId: string, name: string) => `uploads/${stack.owner}/${videoId}/${name}`;

/**
 * Uploads `small` (SHA-256 parts unless `extra` says otherwise) one part at a time and stops it after two parts: a state to
 * resume. Later parts are held at the proxy and dropped with the stop, so none lands at S3 after it.
 */
async function stopAfterTwoParts(extra: Partial<UploadFileOptions> = {}): Promise<void> {
  proxy.setRule(({ partNumber }) => (partNumber <= 2 ? 'pass' : { until: new Promise<void>(() => {}) }));
  let partsDone = 0;
  const first = await uploadFile(small, options({ ...extra, concurrency: 1, progressIntervalMs: 0, onProgress: (p) => (partsDone = p.partsDone) }));
  while (partsDone < 2) await new Promise((r) => setTimeout(r, 20));
  await first.stop();
  await first.done.catch(() => {});
}

describe('uploading files through the edge to the S3 emulator', () => {
  it('sends a file of over 100 MiB in 5 MiB parts and S3 stores exactly its bytes', async () => {
    const progress: number[] = [];
    const upload = await uploadFile(big, options({ concurrency: 4, progressIntervalMs: 0, onProgress: (p) => progress.push(p.loaded) }));
    const result = await upload.done;
    expect(result).toMatchObject({ size: 110 * MiB + 17, partCount: 23, partsSent: 23, resumed: false });
    // S3's composite of the parts' SHA-256s, named as such: a multipart upload has no whole-file SHA-256.
    expect(result.compositeSha256).toMatch(/^[A-Za-z0-9+/]{43}=-23$/);
    expect(result.sha256).toBeUndefined();
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'big clip.mp4'))).toBe(await fileSha256(big));
    // Byte-level progress: many more events than parts, never backwards, ending at the size.
    expect(progress.length).toBeGreaterThan(23 * 2);
    expect(progress.at(-1)).toBe(110 * MiB + 17);
  });

  it('completes with identical bytes when a share of part PUTs fail, reset or stall', async () => {
    const faults = ['fail', 'reset', 'stall'] as const;
    proxy.setRule(({ partNumber, attempt }) => (attempt === 1 && partNumber % 2 === 1 ? faults[partNumber % 3]! : 'pass'));
    const retries: UploadEvent[] = [];
    const upload = await uploadFile(small, options({ stallTimeoutMs: 1000, onEvent: (e) => e.kind === 'retry' && retries.push(e) }));
    const result = await upload.done;
    expect(retries.length).toBe(3);
    expect(new Set(proxy.puts.filter((p) => p.uploadId && p.action !== 'pass').map((p) => p.action))).toEqual(new Set(faults));
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  /**
   * Uploads `small` through an API client whose fetch is `edgeFetch` (one that can drop calls to
   * the edge), with short backoffs.
   */
  async function uploadThrough(edgeFetch: typeof fetch, options: { contentType?: string; onEvent?: (e: UploadEvent) => void } = {}) {
    const source = await fileSource(small, options.contentType);
    const transport = nodeHttpTransport({ maxSockets: 4 });
    const upload = startUpload(source, {
      endpoint: stack.apiUrl,
      api: createApiClient({ endpoint: stack.apiUrl, token: stack.token, fetch: edgeFetch }),
      transport,
      resumeStore: fileResumeStore(join(dir, 'state')),
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    return upload.done.finally(async () => {
      transport.close();
      await source.close?.();
    });
  }

  it('keeps going when the edge cannot be reached to sign part URLs for a moment', async () => {
    // The first two signing calls never reach the edge, as when the network drops.
    let signCalls = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('uploads.signParts') && ++signCalls <= 2) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const retries: UploadEvent[] = [];
    const result = await uploadThrough(flakyFetch, { onEvent: (e) => e.kind === 'retry' && retries.push(e) });
    expect(signCalls).toBeGreaterThan(2);
    expect(retries.some((e) => e.kind === 'retry' && e.reason.includes('signing its URL failed'))).toBe(true);
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('creates the upload through an edge that could not be reached at first; a refusal is final', async () => {
    let createCalls = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('uploads.create') && ++createCalls === 1) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const result = await uploadThrough(flakyFetch);
    expect(createCalls).toBe(2);
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));

    const refused = await uploadThrough(flakyFetch, { contentType: 'text/plain' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UploadError);
    expect(refused).toMatchObject({ code: 'rejected', message: expect.stringMatching(/^the edge refused the upload: .*text\/plain is not accepted/) });
    expect(createCalls).toBe(3);
  });

  it('aborts at S3 through an edge that could not be reached at first, and only once', async () => {
    const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
    const { uploadToken } = await api.uploads.create.mutate({ fileName: 'gone.mp4', size: 12 * MiB, contentType: 'video/mp4' });
    let abortCalls = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('uploads.abort') && ++abortCalls === 1) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    await abortAtS3(createApiClient({ endpoint: stack.apiUrl, token: stack.token, fetch: flakyFetch }), uploadToken, { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 });
    expect(abortCalls).toBe(2);
    // S3 no longer knows the upload: a second abort is refused, and refusals are not retried.
    await expect(abortAtS3(api, uploadToken)).rejects.toThrow(/NoSuchUpload|does not exist/);
  });

  it('fails on the first part with the CORS advice when the ETag is not readable', async () => {
    proxy.setRule(() => 'strip-etag');
    const upload = await uploadFile(small, options({ concurrency: 1 }));
    const error = await upload.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ code: 'missing-etag' });
    expect((error as Error).message).toContain('ExposeHeaders: ETag');
    await (await uploadFile(small, options())).abort();
  });

  it('S3 refuses a part corrupted on the way with BadDigest; it is read and sent again, and S3 stores the file', async () => {
    proxy.setRule(({ partNumber, attempt }) => (partNumber === 2 && attempt === 1 ? 'corrupt' : 'pass'));
    const retries: UploadEvent[] = [];
    const upload = await uploadFile(small, options({ onEvent: (e) => e.kind === 'retry' && retries.push(e) }));
    const result = await upload.done;
    const uploadId = proxy.puts.at(-1)!.uploadId;
    expect(proxy.puts.filter((p) => p.uploadId === uploadId && p.partNumber === 2).map((p) => [p.action, p.status])).toEqual([
      ['corrupt', 400],
      ['pass', 200],
    ]);
    expect(retries).toEqual([expect.objectContaining({ partNumber: 2, reason: expect.stringContaining('HTTP 400 BadDigest') })]);
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('with CRC32C part checksums (the browser\'s), S3 refuses a corrupted part too, and the result is S3\'s composite CRC32C', async () => {
    proxy.setRule(({ partNumber, attempt }) => (partNumber === 3 && attempt === 1 ? 'corrupt' : 'pass'));
    const putsBefore = proxy.puts.length;
    const result = await (await uploadFile(small, options({ partChecksum: wasmCrc32c }))).done;
    const puts = proxy.puts.slice(putsBefore);
    expect(puts.map((p) => [p.partNumber, p.action, p.status, p.checksum]).sort()).toEqual([
      [1, 'pass', 200, 'crc32c'],
      [2, 'pass', 200, 'crc32c'],
      [3, 'corrupt', 400, 'crc32c'],
      [3, 'pass', 200, 'crc32c'],
      [4, 'pass', 200, 'crc32c'],
      [5, 'pass', 200, 'crc32c'],
    ]);
    expect(result.compositeCrc32c).toBe(await compositeCrc32cOf(small, 5 * MiB));
    expect(result).not.toHaveProperty('compositeSha256');
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('refuses a partChecksum option that cannot work, saying what is wrong, before it creates an upload at S3', async () => {
    const uploadsDir = join(stack.dataDir, 's3', 'hoist-test', '._S3rver_uploads');
    const before = await readdir(uploadsDir).catch(() => []);
    const events: UploadEvent[] = [];
    const cases: [unknown, string][] = [
      [{ algorithm: 'md5', digest: async () => new Uint8Array(16) }, 'the partChecksum option\'s algorithm must be "sha256" or "crc32c", not "md5"'],
      [{ algorithm: 'crc32c' }, "the partChecksum option's digest must be a function from a part's bytes to its checksum"],
      ['crc32c', 'the partChecksum option must be an object with an algorithm and a digest function'],
    ];
    for (const [partChecksum, message] of cases) {
      const upload = await uploadFile(small, options({ partChecksum: partChecksum as UploadFileOptions['partChecksum'], onEvent: (e) => events.push(e) }));
      await expect(upload.done).rejects.toMatchObject({ code: 'failed', message });
    }
    expect(events.map((e) => e.kind)).not.toContain('created');
    expect(await readdir(uploadsDir).catch(() => [])).toEqual(before);
  });

  it('does not resume an upload whose parts carry another kind of checksum: it aborts it and starts afresh', async () => {
    await stopAfterTwoParts();

    proxy.setRule(() => 'pass');
    const events: UploadEvent[] = [];
    const second = await uploadFile(small, options({ partChecksum: wasmCrc32c, onEvent: (e) => events.push(e) }));
    const result = await second.done;
    expect(events.map((e) => e.kind)).toContain('created');
    expect(events.map((e) => e.kind)).not.toContain('resumed');
    expect(result).toMatchObject({ resumed: false, partsSent: 5, compositeCrc32c: await compositeCrc32cOf(small, 5 * MiB) });
    // The SHA-256 upload left behind was aborted: S3 keeps none of its parts.
    const pending = await readdir(join(stack.dataDir, 's3', 'hoist-test', '._S3rver_uploads')).catch(() => []);
    expect(pending.filter((id) => proxy.puts.some((p) => p.uploadId === id))).toEqual([]);
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('a part that S3 keeps refusing as corrupted fails the upload, saying so', async () => {
    proxy.setRule(({ partNumber }) => (partNumber === 1 ? 'corrupt' : 'pass'));
    const upload = await uploadFile(small, options({ retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } }));
    await expect(upload.done).rejects.toMatchObject({ code: 'part-failed', message: expect.stringMatching(/^part 1 failed after 2 tries: HTTP 400 BadDigest \(the bytes S3 received do not match/) });
    await upload.abort();
  });

  it('resumes from what S3 holds (ListParts), not from the saved record of finished parts', async () => {
    await stopAfterTwoParts();
    const uploadId = proxy.puts.at(-1)!.uploadId;
    const stored = proxy.puts.filter((p) => p.uploadId === uploadId && p.status === 200).map((p) => p.partNumber);
    expect(stored.length).toBeGreaterThanOrEqual(2);

    // Behind the upload's back, its record loses every part it finished and claims one S3 never took.
    const [stateFile] = (await readdir(join(dir, 'state'))).filter((name) => name.endsWith('.json'));
    const state = JSON.parse(await readFile(join(dir, 'state', stateFile!), 'utf8')) as { parts: Record<string, unknown>; algorithm?: string };
    state.parts = { '5': { etag: '"0123456789abcdef0123456789abcdef"', checksum: 'A'.repeat(43) + '=' } };
    // And it has no checksum kind, as a state saved before there was a choice: that means SHA-256.
    expect(state.algorithm).toBe('sha256');
    delete state.algorithm;
    await writeFile(join(dir, 'state', stateFile!), JSON.stringify(state));

    proxy.setRule(() => 'pass');
    const sentBefore = proxy.puts.length;
    const events: UploadEvent[] = [];
    const result = await (await uploadFile(small, options({ onEvent: (e) => events.push(e) }))).done;
    const sentNow = proxy.puts.slice(sentBefore).map((p) => p.partNumber).sort((a, b) => a - b);
    expect(sentNow).toEqual([1, 2, 3, 4, 5].filter((n) => !stored.includes(n)));
    expect(events).toContainEqual({ kind: 'resumed', videoId: result.videoId, partsAlreadyStored: stored.length });
    expect(result).toMatchObject({ resumed: true, partsSent: 5 - stored.length });
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('an upload without checksums saves no checksum kind, and resumes without checksums', async () => {
    await stopAfterTwoParts({ checksums: false });
    const [stateFile] = (await readdir(join(dir, 'state'))).filter((name) => name.endsWith('.json'));
    const state = JSON.parse(await readFile(join(dir, 'state', stateFile!), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ checksums: false });
    expect(state).not.toHaveProperty('algorithm');

    proxy.setRule(() => 'pass');
    const sentBefore = proxy.puts.length;
    const result = await (await uploadFile(small, options({ checksums: false }))).done;
    expect(result).toMatchObject({ resumed: true });
    expect(result).not.toHaveProperty('compositeSha256');
    expect(proxy.puts.slice(sentBefore).every((p) => p.checksum === undefined)).toBe(true);
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('pauses and resumes', async () => {
    proxy.setRule(() => ({ delayMs: 100 }));
    let partsDone = 0;
    const upload = await uploadFile(small, options({ concurrency: 1, progressIntervalMs: 0, onProgress: (p) => (partsDone = p.partsDone) }));
    while (partsDone < 1) await new Promise((r) => setTimeout(r, 20));
    upload.pause();
    const atPause = proxy.puts.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(proxy.puts.length).toBeLessThanOrEqual(atPause + 1);
    expect(upload.paused).toBe(true);
    upload.resume();
    const result = await upload.done;
    expect(await storedSha256(stack.bucketUrl, sourceKey(result.videoId, 'small.mp4'))).toBe(await fileSha256(small));
  });

  it('a paused upload that is stopped is no longer paused, and says it stopped', async () => {
    proxy.setRule(() => ({ delayMs: 100 }));
    let partsDone = 0;
    const upload = await uploadFile(small, options({ concurrency: 1, progressIntervalMs: 0, onProgress: (p) => (partsDone = p.partsDone) }));
    while (partsDone < 1) await new Promise((r) => setTimeout(r, 20));
    upload.pause();
    await upload.stop();
    expect(upload.paused).toBe(false);
    await expect(upload.done).rejects.toMatchObject({ code: 'stopped' });
    // Nothing is left for the next test to resume.
    await upload.abort();
    expect(await readdir(join(dir, 'state')).catch(() => [])).toEqual([]);
  });

  it('abort leaves no multipart upload behind', async () => {
    proxy.setRule(() => ({ delayMs: 150 }));
    let videoId = '';
    let partsDone = 0;
    const upload = await uploadFile(small, options({ concurrency: 1, progressIntervalMs: 0, onEvent: (e) => e.kind === 'created' && (videoId = e.videoId), onProgress: (p) => (partsDone = p.partsDone) }));
    // Bounded, and ended by the upload itself finishing or failing first, whose outcome then shows.
    let settled = false;
    void upload.done.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (const deadline = Date.now() + 60_000; partsDone < 1 && !settled && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(settled ? await upload.done.then((r) => `done: ${JSON.stringify(r)}`, (e: unknown) => `failed: ${String(e)}`) : 'running').toBe('running');
    expect(partsDone).toBeGreaterThanOrEqual(1);
    await upload.abort();
    await expect(upload.done).rejects.toMatchObject({ code: 'aborted' });
    expect(videoId).not.toBe('');
    // The emulator keeps unfinished multipart uploads in one folder per upload id.
    const pending = await readdir(join(stack.dataDir, 's3', 'hoist-test', '._S3rver_uploads')).catch(() => []);
    const uploadIds = new Set(proxy.puts.map((p) => p.uploadId));
    expect(pending.filter((id) => uploadIds.has(id))).toEqual([]);
    expect(await readdir(join(dir, 'state')).catch(() => [])).toEqual([]);
  });

  it('abort ends parts in flight at once, even ones S3 never answers', async () => {
    proxy.setRule(({ partNumber }) => (partNumber === 1 ? 'pass' : 'stall'));
    let partsDone = 0;
    // No stall timeout to come to the rescue: without dropping its requests, abort would wait forever.
    const upload = await uploadFile(small, options({ stallTimeoutMs: 3_600_000, progressIntervalMs: 0, onProgress: (p) => (partsDone = p.partsDone) }));
    while (partsDone < 1) await new Promise((r) => setTimeout(r, 20));
    const uploadId = proxy.puts[proxy.puts.length - 1]!.uploadId;
    while (proxy.puts.filter((p) => p.uploadId === uploadId && p.action === 'stall').length === 0) await new Promise((r) => setTimeout(r, 20));
    await upload.abort();
    await expect(upload.done).rejects.toMatchObject({ code: 'aborted' });
    const pending = await readdir(join(stack.dataDir, 's3', 'hoist-test', '._S3rver_uploads')).catch(() => []);
    expect(pending).not.toContain(uploadId);
  });

  it('abort before the upload is even created still leaves nothing behind', async () => {
    const uploadsDir = join(stack.dataDir, 's3', 'hoist-test', '._S3rver_uploads');
    const before = new Set(await readdir(uploadsDir).catch(() => [] as string[]));
    let videoId = '';
    const upload = await uploadFile(small, options({ onEvent: (e) => e.kind === 'created' && (videoId = e.videoId) }));
    await upload.abort();
    await expect(upload.done).rejects.toMatchObject({ code: 'aborted' });
    expect(videoId).not.toBe('');
    // The emulator keeps one folder per unfinished multipart upload: none is new.
    expect((await readdir(uploadsDir).catch(() => [] as string[])).filter((id) => !before.has(id))).toEqual([]);
    expect(await readdir(join(dir, 'state')).catch(() => [])).toEqual([]);
  });
});
