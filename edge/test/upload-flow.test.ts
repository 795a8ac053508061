import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { MiB } from '@hoist/shared';
import { bearer, bucket, callerFor, patternBytes, sha256Hex } from './support.js';

describe('multipart upload through the edge, in workerd, against the S3 emulator', () => {
  it('creates, signs, accepts parts, completes, and S3 holds exactly the bytes sent', async () => {
    const caller = await callerFor('alice');
    const bytes = patternBytes(6 * MiB);
    const created = await caller.uploads.create({ fileName: 'holiday clip.mp4', size: bytes.length, contentType: 'video/mp4' });
    expect(created).toMatchObject({ partSize: 5 * MiB, partCount: 2 });

    const { parts } = await caller.uploads.signParts({ uploadToken: created.uploadToken, partNumbers: [1, 2] });
    const etags: string[] = [];
    for (const part of parts) {
      const body = bytes.slice((part.partNumber - 1) * created.partSize, part.partNumber * created.partSize);
      const response = await fetch(part.url, { method: 'PUT', body });
      expect(response.status).toBe(200);
      etags.push(response.headers.get('etag')!);
    }
    expect(etags.every((etag) => /^"[0-9a-f]{32}"$/.test(etag))).toBe(true);

    const done = await caller.uploads.complete({
      uploadToken: created.uploadToken,
      parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })),
    });
    expect(done).toMatchObject({ videoId: created.videoId, size: bytes.length });

    const stored = await fetch(bucket.objectUrl(`uploads/alice/${created.videoId}/holiday clip.mp4`));
    expect(await sha256Hex(await stored.arrayBuffer())).toBe(await sha256Hex(bytes));

    const status = await caller.videos.status({ videoId: created.videoId });
    expect(status).toMatchObject({ state: 'queued', progress: 0 });
  });

  it('the S3 emulator rejects a part URL whose signature was altered', async () => {
    const caller = await callerFor('alice');
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: 100, contentType: 'video/mp4' });
    const { parts } = await caller.uploads.signParts({ uploadToken: created.uploadToken, partNumbers: [1] });
    const url = new URL(parts[0]!.url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', signature.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    const response = await fetch(url, { method: 'PUT', body: patternBytes(100) });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });

  it('says plainly when the S3 endpoint cannot abort a multipart upload', async () => {
    // The local emulator has no AbortMultipartUpload; the caller gets a code it can act on.
    const caller = await callerFor('alice');
    const created = await caller.uploads.create({ fileName: 'a.mp4', size: 100, contentType: 'video/mp4' });
    await expect(caller.uploads.abort({ uploadToken: created.uploadToken })).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
      message: 'this S3 endpoint does not implement AbortMultipartUpload (MethodNotAllowed)',
    });
  });

  it('serves the API over HTTP at /trpc and refuses calls without a bearer token', async () => {
    const anonymous = await exports.default.fetch('http://edge.test/trpc/videos.status?input=' + encodeURIComponent(JSON.stringify({ videoId: '0'.repeat(26) })));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('missing bearer token');

    const authed = await exports.default.fetch(
      'http://edge.test/trpc/videos.status?input=' + encodeURIComponent(JSON.stringify({ videoId: '0'.repeat(26) })),
      { headers: { authorization: await bearer('alice') } },
    );
    expect(authed.status).toBe(404);
  });

  it('answers bad input with a message that names the field', async () => {
    const response = await exports.default.fetch('http://edge.test/trpc/uploads.create', {
      method: 'POST',
      headers: { authorization: await bearer('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.mp4', size: 0, contentType: 'video/mp4' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('size: size must be at least 1 byte');
  });
});
