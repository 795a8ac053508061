import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { bytes, errorCode, startEmulatorFixture, type EmulatorFixture } from './emulator-fixture.js';

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startEmulatorFixture();
});
afterAll(() => fx.stop());

const read = async (key: string) => (await fx.s3.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key }))).Body!.transformToString();
const put = (key: string, body: string, conditions: { IfNoneMatch?: string; IfMatch?: string } = {}) =>
  fx.s3.send(new PutObjectCommand({ Bucket: fx.bucket, Key: key, Body: body, ...conditions }));

describe('PutObject checks its body before it replaces anything', () => {
  it('refuses a Content-MD5, a flexible checksum or a signed payload hash that does not match, and keeps the old object', async () => {
    const key = 'renditions/v1/status.json';
    await put(key, 'old');
    const attempts: Array<[Record<string, string>, string]> = [
      [{ 'content-md5': createHash('md5').update('something else').digest('base64') }, 'BadDigest'],
      [{ 'x-amz-checksum-sha256': createHash('sha256').update('something else').digest('base64') }, 'BadDigest'],
      [{ 'x-amz-content-sha256': createHash('sha256').update('something else').digest('hex') }, 'XAmzContentSHA256Mismatch'],
    ];
    for (const [headers, code] of attempts) {
      const response = await fetch(await fx.aws.sign(fx.url(key), { method: 'PUT', body: 'new', headers }));
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe(code);
    }
    expect(await read(key)).toBe('old');
    const good = await fetch(await fx.aws.sign(fx.url(key), { method: 'PUT', body: 'new', headers: { 'x-amz-checksum-sha256': createHash('sha256').update('new').digest('base64') } }));
    expect(good.status).toBe(200);
    expect(await read(key)).toBe('new');
  });

  it('keeps the old object when a PUT is cut off before all its bytes arrive', async () => {
    const key = 'renditions/v2/status.json';
    await put(key, 'whole');
    const signed = await fx.aws.sign(fx.url(key), { method: 'PUT', headers: { 'content-length': '1000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    await new Promise<void>((resolve) => {
      const headers: Record<string, string> = {};
      signed.headers.forEach((value, name) => (headers[name] = value));
      const req = request(signed.url, { method: 'PUT', headers });
      req.on('error', () => resolve());
      req.write('{"cut":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await read(key)).toBe('whole');
  });

  it('serves every read whole while the object is rewritten under it', async () => {
    const key = 'renditions/v3/status.json';
    const versions = Array.from({ length: 20 }, (_, i) => JSON.stringify({ version: i, padding: 'x'.repeat((i % 5) * 20_000) }));
    await put(key, versions[0]!);
    const writes = (async () => {
      for (const version of versions) await put(key, version);
    })();
    const reads = Array.from({ length: 40 }, async () => {
      const response = await fetch(await fx.aws.sign(fx.url(key), { method: 'GET' }));
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(versions).toContain(text);
    });
    await Promise.all([writes, ...reads]);
  });
});

describe('conditional writes, as S3 makes them', () => {
  it('If-None-Match: * creates only where nothing exists', async () => {
    const key = 'renditions/v4/chunks/0.done';
    await expect(put(key, 'first', { IfNoneMatch: '*' })).resolves.toBeDefined();
    await expect(put(key, 'second', { IfNoneMatch: '*' })).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(await read(key)).toBe('first');
  });

  it('of writers racing on If-None-Match: *, exactly one wins', async () => {
    const key = 'renditions/v5/finalize.lock';
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => put(key, `writer ${i}`, { IfNoneMatch: '*' })));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.name)).toEqual(Array(7).fill('PreconditionFailed'));
  });

  it('If-Match writes only over the object with that ETag; a missing object is NoSuchKey', async () => {
    const key = 'renditions/v6/plan.json';
    const first = await put(key, 'v1');
    const second = await put(key, 'v2', { IfMatch: first.ETag! });
    await expect(put(key, 'v3', { IfMatch: first.ETag! })).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await put(key, 'v3', { IfMatch: second.ETag! });
    expect(await read(key)).toBe('v3');
    await expect(put('renditions/v6/none.json', 'x', { IfMatch: first.ETag! })).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('CompleteMultipartUpload with If-None-Match: * answers 412 where the key exists, and the upload can still be completed', async () => {
    const key = 'uploads/alice/v7/clip.mp4';
    await put(key, 'already here');
    const { UploadId } = await fx.s3.send(new CreateMultipartUploadCommand({ Bucket: fx.bucket, Key: key }));
    const part = await fx.s3.send(new UploadPartCommand({ Bucket: fx.bucket, Key: key, UploadId, PartNumber: 1, Body: bytes(100) }));
    const complete = (IfNoneMatch?: string) =>
      fx.s3.send(new CompleteMultipartUploadCommand({ Bucket: fx.bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] }, ...(IfNoneMatch ? { IfNoneMatch } : {}) }));
    await expect(complete('*')).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(await read(key)).toBe('already here');
    await complete();
    expect(await read(key)).toBe(bytes(100).toString());
  });
});
