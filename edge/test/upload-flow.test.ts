import { describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { callerFor, crc32cBase64, patternBytes, sha256Base64, sha256Hex, storedObject } from './support.js';

const stored = async (key: string) => new Uint8Array(await (await storedObject(key)).arrayBuffer());

describe('uploads through the edge, in workerd, against the S3 emulator', () => {
  it('multipart with SHA-256 per part: S3 holds exactly the bytes sent', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(11 * MiB + 3);
    const created = await caller.uploads.create({ fileName: 'holiday (1).mp4', size: bytes.length, contentType: 'video/mp4', checksum: 'sha256' });
    expect(created).toMatchObject({ mode: 'multipart', partSize: 5 * MiB, partCount: 3 });

    const bodies = [1, 2, 3].map((n) => bytes.slice((n - 1) * created.partSize, n * created.partSize));
    const checksums = await Promise.all(bodies.map(sha256Base64));
    const { parts } = await caller.uploads.signParts({
      uploadToken: created.uploadToken,
      parts: checksums.map((checksum, i) => ({ partNumber: i + 1, checksum })),
    });
    expect(parts[0]!.headers).toEqual({ 'x-amz-checksum-sha256': checksums[0] });
    const etags = await Promise.all(
      parts.map(async (part, i) => {
        const response = await fetch(part.url, { method: 'PUT', body: bodies[i], headers: part.headers });
        expect(response.status).toBe(200);
        return response.headers.get('etag')!;
      }),
    );
    const done = await caller.uploads.complete({
      uploadToken: created.uploadToken,
      parts: etags.map((etag, i) => ({ partNumber: i + 1, etag, checksum: checksums[i] })),
    });
    expect(done).toMatchObject({ videoId: created.videoId, size: bytes.length });
    expect(await sha256Hex(await stored(`uploads/alice/${created.videoId}/holiday (1).mp4`))).toBe(await sha256Hex(bytes));
    await expect(caller.videos.status({ videoId: created.videoId })).resolves.toMatchObject({ state: 'queued', progress: 0 });
  });

  it('multipart with CRC32C per part: each part is checked by S3, and the file completes', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(6 * MiB, 11);
    const created = await caller.uploads.create({ fileName: 'crc.mp4', size: bytes.length, contentType: 'video/mp4', checksum: 'crc32c' });
    const bodies = [bytes.slice(0, created.partSize), bytes.slice(created.partSize)];
    const checksums = bodies.map(crc32cBase64);
    const { parts } = await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: checksums.map((checksum, i) => ({ partNumber: i + 1, checksum })) });
    expect(parts[0]!.headers).toEqual({ 'x-amz-checksum-crc32c': checksums[0] });
    // The first part altered on the way: S3 refuses it.
    const altered = bodies[0]!.slice();
    altered[100] = altered[100]! ^ 0x01;
    const refused = await fetch(parts[0]!.url, { method: 'PUT', body: altered, headers: parts[0]!.headers });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>BadDigest</Code>');
    const etags = await Promise.all(parts.map(async (part, i) => (await fetch(part.url, { method: 'PUT', body: bodies[i], headers: part.headers })).headers.get('etag')!));
    const listed = await caller.uploads.listParts({ uploadToken: created.uploadToken });
    expect(listed.parts.map((p) => p.checksum)).toEqual(checksums);
    await caller.uploads.complete({ uploadToken: created.uploadToken, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag, checksum: checksums[i] })) });
    expect(await sha256Hex(await stored(`uploads/alice/${created.videoId}/crc.mp4`))).toBe(await sha256Hex(bytes));
  });

  it('a file that fits in one part goes up as one signed PUT', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(1000);
    const created = await caller.uploads.create({ fileName: 'short.mov', size: bytes.length, contentType: 'video/quicktime' });
    expect(created).toMatchObject({ mode: 'single', partCount: 1 });
    const [part] = (await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }] })).parts;
    expect(part!.url).toContain('x-id=PutObject');
    const response = await fetch(part!.url, { method: 'PUT', body: bytes, headers: part!.headers });
    expect(response.status).toBe(200);
    const etag = response.headers.get('etag')!;
    await expect(caller.uploads.listParts({ uploadToken: created.uploadToken })).resolves.toEqual({ parts: [{ partNumber: 1, etag, size: 1000 }] });
    await expect(caller.uploads.complete({ uploadToken: created.uploadToken, parts: [{ partNumber: 1, etag }] })).resolves.toMatchObject({ size: 1000 });
    const head = await storedObject(`uploads/alice/${created.videoId}/short.mov`, { method: 'HEAD' });
    expect(head.headers.get('content-type')).toBe('video/quicktime');
  });

  it('the S3 emulator refuses a part URL whose signature was altered, or a body of another length', async () => {
    const caller = await callerFor('alice');
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: 12 * MiB, contentType: 'video/mp4' });
    const [part] = (await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }] })).parts;
    const url = new URL(part!.url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', signature.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    const forged = await fetch(url, { method: 'PUT', body: patternBytes(5 * MiB) });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('SignatureDoesNotMatch');

    const short = await fetch(part!.url, { method: 'PUT', body: patternBytes(5 * MiB - 1) });
    expect(short.status).toBe(403);
    expect(await short.text()).toContain('SignatureDoesNotMatch');
  });

  it('lists the parts S3 holds, with their checksums, so a resume needs no record of its own', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(11 * MiB);
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: bytes.length, contentType: 'video/mp4', checksum: 'sha256' });
    await expect(caller.uploads.listParts({ uploadToken: created.uploadToken })).resolves.toEqual({ parts: [] });
    const bodies = [bytes.slice(0, 5 * MiB), bytes.slice(10 * MiB)];
    const checksums = await Promise.all(bodies.map(sha256Base64));
    const { parts } = await caller.uploads.signParts({
      uploadToken: created.uploadToken,
      parts: [
        { partNumber: 1, checksum: checksums[0]! },
        { partNumber: 3, checksum: checksums[1]! },
      ],
    });
    const etags = await Promise.all(parts.map(async (part, i) => (await fetch(part.url, { method: 'PUT', body: bodies[i], headers: part.headers })).headers.get('etag')!));
    await expect(caller.uploads.listParts({ uploadToken: created.uploadToken })).resolves.toEqual({
      parts: [
        { partNumber: 1, etag: etags[0], size: 5 * MiB, checksum: checksums[0] },
        { partNumber: 3, etag: etags[1], size: MiB, checksum: checksums[1] },
      ],
    });
  });

  it('S3 refuses a corrupted part with BadDigest, and keeps nothing of it', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(11 * MiB);
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: bytes.length, contentType: 'video/mp4', checksum: 'sha256' });
    const body = bytes.slice(0, 5 * MiB);
    const [part] = (await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1, checksum: await sha256Base64(body) }] })).parts;
    const corrupted = body.slice();
    corrupted[4096] = corrupted[4096]! ^ 0x01;
    const response = await fetch(part!.url, { method: 'PUT', body: corrupted, headers: part!.headers });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>BadDigest</Code>');
    await expect(caller.uploads.listParts({ uploadToken: created.uploadToken })).resolves.toEqual({ parts: [] });
  });

  it('aborts: S3 drops the parts and refuses more for that upload', async () => {
    const caller = await callerFor('alice');
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: 12 * MiB, contentType: 'video/mp4' });
    const { parts } = await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }, { partNumber: 2 }] });
    expect((await fetch(parts[0]!.url, { method: 'PUT', body: patternBytes(5 * MiB) })).status).toBe(200);
    await expect(caller.uploads.abort({ uploadToken: created.uploadToken })).resolves.toEqual({ aborted: true });
    const late = await fetch(parts[1]!.url, { method: 'PUT', body: patternBytes(5 * MiB) });
    expect(late.status).toBe(404);
    expect(await late.text()).toContain('NoSuchUpload');
    await expect(caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 3 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was aborted: its uploadToken signs no more parts',
    });
    await expect(caller.uploads.abort({ uploadToken: created.uploadToken })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was already aborted: S3 no longer has it (NoSuchUpload)',
    });
  });
});

describe('an upload that has ended: its token signs nothing more', () => {
  /** A single-PUT upload of `bytes`, stored and not yet completed. */
  async function storedSinglePut(caller: Awaited<ReturnType<typeof callerFor>>, bytes: Uint8Array<ArrayBuffer>) {
    const created = await caller.uploads.create({ fileName: 'clip.mp4', size: bytes.length, contentType: 'video/mp4' });
    expect(created.mode).toBe('single');
    const [part] = (await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }] })).parts;
    const response = await fetch(part!.url, { method: 'PUT', body: bytes, headers: part!.headers });
    expect(response.status).toBe(200);
    return { ...created, key: `uploads/alice/${created.videoId}/clip.mp4`, etag: response.headers.get('etag')! };
  }

  it('a completed single PUT: no new URL that would store the file again; complete again answers the same; abort undoes nothing', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(2000);
    const upload = await storedSinglePut(caller, bytes);
    const completed = { videoId: upload.videoId, size: 2000 };
    await expect(caller.uploads.complete({ uploadToken: upload.uploadToken, parts: [{ partNumber: 1, etag: upload.etag }] })).resolves.toMatchObject(completed);
    await expect(caller.uploads.signParts({ uploadToken: upload.uploadToken, parts: [{ partNumber: 1 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was completed: its uploadToken signs no more parts',
    });
    // A complete whose answer was lost, asked again.
    await expect(caller.uploads.complete({ uploadToken: upload.uploadToken, parts: [{ partNumber: 1, etag: upload.etag }] })).resolves.toMatchObject(completed);
    await expect(caller.uploads.abort({ uploadToken: upload.uploadToken })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was completed: abort cannot undo that',
    });
    expect(await sha256Hex(await stored(upload.key))).toBe(await sha256Hex(bytes));
  });

  it('an aborted single PUT: the stored file is deleted, and nothing is signed, listed or completed after', async () => {
    const caller = await callerFor('alice');
    const upload = await storedSinglePut(caller, patternBytes(3000));
    await expect(caller.uploads.abort({ uploadToken: upload.uploadToken })).resolves.toEqual({ aborted: true });
    expect((await storedObject(upload.key, { method: 'HEAD' })).status).toBe(404);
    await expect(caller.uploads.signParts({ uploadToken: upload.uploadToken, parts: [{ partNumber: 1 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was aborted: its uploadToken signs no more parts',
    });
    await expect(caller.uploads.listParts({ uploadToken: upload.uploadToken })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was aborted: S3 holds nothing of it',
    });
    await expect(caller.uploads.complete({ uploadToken: upload.uploadToken, parts: [{ partNumber: 1, etag: upload.etag }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was aborted: there is nothing to complete',
    });
    await expect(caller.uploads.abort({ uploadToken: upload.uploadToken })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was already aborted: S3 no longer has it (NoSuchUpload)',
    });
  });

  it('a single PUT aborted before anything was stored ends the same way', async () => {
    const caller = await callerFor('alice');
    const created = await caller.uploads.create({ fileName: 'never.mp4', size: 10, contentType: 'video/mp4' });
    await expect(caller.uploads.listParts({ uploadToken: created.uploadToken })).resolves.toEqual({ parts: [] });
    await expect(caller.uploads.abort({ uploadToken: created.uploadToken })).resolves.toEqual({ aborted: true });
    await expect(caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was aborted: its uploadToken signs no more parts',
    });
  });

  it('a completed multipart upload signs no more parts either', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(6 * MiB);
    const created = await caller.uploads.create({ fileName: 'two.mp4', size: bytes.length, contentType: 'video/mp4' });
    const { parts } = await caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 1 }, { partNumber: 2 }] });
    const bodies = [bytes.slice(0, 5 * MiB), bytes.slice(5 * MiB)];
    const etags = await Promise.all(parts.map(async (part, i) => (await fetch(part.url, { method: 'PUT', body: bodies[i] })).headers.get('etag')!));
    await caller.uploads.complete({ uploadToken: created.uploadToken, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    await expect(caller.uploads.signParts({ uploadToken: created.uploadToken, parts: [{ partNumber: 2 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was completed: its uploadToken signs no more parts',
    });
    await expect(caller.uploads.abort({ uploadToken: created.uploadToken })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'this upload was completed: abort cannot undo that',
    });
  });
});
