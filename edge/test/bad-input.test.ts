import { describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { partListProblem } from '../src/uploads/complete.js';
import { callHttp, callerFor } from './support.js';

const create = (input: Record<string, unknown>) =>
  callHttp('uploads.create', { fileName: 'a.mp4', size: 100, contentType: 'video/mp4', ...input });

async function multipartToken(owner = 'alice', size = 12 * MiB): Promise<string> {
  return (await (await callerFor(owner)).uploads.create({ fileName: 'a.mp4', size, contentType: 'video/mp4' })).uploadToken;
}

const claimsOf = (token: string) => {
  const binary = atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'));
  const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return JSON.parse(json) as { key: string; videoId: string };
};

describe('uploads.create refuses what S3 or the policy cannot take', () => {
  it.each([
    [{ size: 0 }, 'size: size must be at least 1 byte'],
    [{ size: -1 }, 'size: size must be at least 1 byte'],
    [{ size: 1.5 }, 'size: size must be a whole number of bytes'],
    [{ size: 5 * 1024 ** 4 + 1 }, 'size: size is above the 5 TiB S3 object limit'],
    [{ contentType: 'text/plain' }, 'contentType text/plain is not accepted; allowed: video/*'],
    [{ contentType: 'video' }, 'contentType: contentType must look like type/subtype, e.g. video/mp4'],
    [{ fileName: '' }, 'fileName: fileName is required'],
    [{ checksum: 'md5' }, 'checksum: Invalid option: expected one of "sha256"|"crc32c"'],
  ])('%j', async (input, message) => {
    expect(await create(input)).toEqual({ status: 400, message });
  });

  it.each([
    ['../../../etc/passwd', '_._._etc_passwd'],
    ['a/b/c.mp4', 'a_b_c.mp4'],
    ['bell\u0007\u0000 tab\t.mp4', 'bell tab.mp4'],
    // Cut to 200 UTF-8 bytes, between code points.
    ['é'.repeat(1000), 'é'.repeat(100)],
    ['clip ' + '🎬'.repeat(300) + '.mp4', '🎬'.repeat(49) + '.mp4'],
  ])('keeps the name %j inside the owner prefix', async (fileName, safe) => {
    const result = await create({ fileName: fileName.slice(0, 1000) });
    expect(result.status).toBe(200);
    const claims = claimsOf((result.data as { uploadToken: string }).uploadToken);
    expect(claims.key).toBe(`uploads/alice/${claims.videoId}/${safe}`);
  });
});

describe('uploads.signParts refuses parts and tokens that are not the caller’s', () => {
  it.each([
    [[{ partNumber: 0 }], 'parts.0.partNumber: part numbers start at 1'],
    [[{ partNumber: 10_001 }], 'parts.0.partNumber: part numbers end at 10000'],
    [[{ partNumber: 4 }], "part 4 is outside this upload's parts 1..3"],
    [[{ partNumber: 1 }, { partNumber: 1 }], 'part 1 is asked for twice'],
    [Array.from({ length: 101 }, (_, i) => ({ partNumber: i + 1 })), 'parts: at most 100 parts per batch'],
    [[{ partNumber: 1, checksum: 'abc' }], 'parts.0.checksum: checksum must be the base64 SHA-256 (44 characters) or CRC32C (8 characters) of the part'],
    [[{ partNumber: 1, checksum: 'AAAAAA==' }], 'part 1 has a checksum, but the upload was created without checksum'],
  ])('%j', async (parts, message) => {
    expect(await callHttp('uploads.signParts', { uploadToken: await multipartToken(), parts })).toEqual({ status: 400, message });
  });

  it('refuses forged, expired and other owners’ tokens', async () => {
    const token = await multipartToken();
    const [payload, signature] = token.split('.');
    const forgedPayload = btoa(JSON.stringify({ ...claimsOf(token), size: 1 })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    expect(await callHttp('uploads.signParts', { uploadToken: `${forgedPayload}.${signature}`, parts: [{ partNumber: 1 }] })).toEqual({
      status: 400,
      message: 'uploadToken signature does not match: it was altered or issued elsewhere',
    });
    expect(await callHttp('uploads.signParts', { uploadToken: `${payload}`, parts: [{ partNumber: 1 }] })).toEqual({
      status: 400,
      message: 'uploadToken is malformed',
    });
    const later = await callerFor('alice', { now: () => new Date(Date.now() + 8 * 24 * 3600 * 1000) });
    await expect(later.uploads.signParts({ uploadToken: token, parts: [{ partNumber: 1 }] })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'uploadToken has expired: start the upload again',
    });
    const mallory = await callerFor('mallory');
    for (const call of [
      () => mallory.uploads.signParts({ uploadToken: token, parts: [{ partNumber: 1 }] }),
      () => mallory.uploads.complete({ uploadToken: token, parts: [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }] }),
      () => mallory.uploads.abort({ uploadToken: token }),
      () => mallory.uploads.listParts({ uploadToken: token }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'this upload belongs to another owner' });
    }
    await expect(mallory.videos.status({ videoId: claimsOf(token).videoId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('uploads.complete checks the part list before S3 sees it', () => {
  const etag = '"0123456789abcdef0123456789abcdef"';
  it.each([
    [[{ partNumber: 1, etag }, { partNumber: 2, etag }], 'expected 3 parts; missing part 3'],
    [[{ partNumber: 1, etag }, { partNumber: 1, etag }, { partNumber: 2, etag }], 'part 1 is listed twice'],
    [[{ partNumber: 2, etag }, { partNumber: 1, etag }, { partNumber: 3, etag }], 'parts must be in order: position 1 has part 2'],
    [[{ partNumber: 1, etag: 'etag-placeholder' }, { partNumber: 2, etag }, { partNumber: 3, etag }], 'parts.0.etag: etag must be the ETag header S3 returned for the part (a quoted 32-digit hex)'],
  ])('%j', async (parts, message) => {
    expect(await callHttp('uploads.complete', { uploadToken: await multipartToken(), parts })).toEqual({ status: 400, message });
  });

  it('explains each kind of broken list', () => {
    expect(partListProblem([{ partNumber: 1, etag }], 2)).toBe('expected 2 parts; missing part 2');
    expect(partListProblem([{ partNumber: 1, etag }, { partNumber: 2, etag }, { partNumber: 2, etag }], 2)).toBe('part 2 is listed twice');
    expect(partListProblem([{ partNumber: 1, etag }, { partNumber: 2, etag }], 2)).toBeNull();
  });
});
