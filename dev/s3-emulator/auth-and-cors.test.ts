import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bytes, errorCode, PAGE_ORIGIN, startEmulatorFixture, type EmulatorFixture } from './emulator-fixture.js';

let fx: EmulatorFixture;
let uploadId: string;

beforeAll(async () => {
  fx = await startEmulatorFixture();
  await fx.s3.send(new PutObjectCommand({ Bucket: fx.bucket, Key: 'uploads/alice/v1/a.mp4', Body: 'private' }));
  uploadId = (await fx.s3.send(new CreateMultipartUploadCommand({ Bucket: fx.bucket, Key: 'uploads/alice/v2/b.mp4' }))).UploadId!;
});
afterAll(() => fx.stop());

describe('the local S3 refuses unsigned requests, as S3 does for a private bucket', () => {
  const unsigned: Array<[string, string, () => string]> = [
    ['PutObject', 'PUT', () => fx.url('uploads/mallory/v9/x.mp4')],
    ['GetObject', 'GET', () => fx.url('uploads/alice/v1/a.mp4')],
    ['HeadObject', 'HEAD', () => fx.url('uploads/alice/v1/a.mp4')],
    ['ListObjects', 'GET', () => `${fx.emulator.bucketUrl}?list-type=2&prefix=uploads/`],
    ['ListBuckets', 'GET', () => `${fx.emulator.endpoint}/`],
    ['DeleteObject', 'DELETE', () => fx.url('uploads/alice/v1/a.mp4')],
    ['CreateMultipartUpload', 'POST', () => `${fx.url('uploads/mallory/v9/y.mp4')}?uploads`],
    ['UploadPart', 'PUT', () => `${fx.url('uploads/alice/v2/b.mp4')}?partNumber=1&uploadId=${uploadId}`],
    ['ListParts', 'GET', () => `${fx.url('uploads/alice/v2/b.mp4')}?uploadId=${uploadId}`],
    ['CompleteMultipartUpload', 'POST', () => `${fx.url('uploads/alice/v2/b.mp4')}?uploadId=${uploadId}`],
    ['AbortMultipartUpload', 'DELETE', () => `${fx.url('uploads/alice/v2/b.mp4')}?uploadId=${uploadId}`],
  ];
  it.each(unsigned)('%s without a signature: 403 AccessDenied', async (_name, method, url) => {
    const body = method === 'PUT' || method === 'POST' ? 'x' : undefined;
    const response = await fetch(url(), { method, ...(body ? { body } : {}) });
    expect(response.status).toBe(403);
    if (method !== 'HEAD') expect(await errorCode(response)).toBe('AccessDenied');
  });

  it('stored nothing, started nothing, and deleted nothing for them', async () => {
    const listed = await fx.s3.send(new ListObjectsV2Command({ Bucket: fx.bucket }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['uploads/alice/v1/a.mp4']);
    expect(fx.events.map((event) => event.s3.object.key)).toEqual(['uploads/alice/v1/a.mp4']);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidAccessKeyId', async () => {
    const forged = new S3Client({ endpoint: fx.emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'guess' }, maxAttempts: 1 });
    const stranger = new S3Client({ endpoint: fx.emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      for (const command of [
        new PutObjectCommand({ Bucket: fx.bucket, Key: 'uploads/mallory/v9/x.mp4', Body: 'x' }),
        new GetObjectCommand({ Bucket: fx.bucket, Key: 'uploads/alice/v1/a.mp4' }),
        new ListObjectsV2Command({ Bucket: fx.bucket }),
        new DeleteObjectCommand({ Bucket: fx.bucket, Key: 'uploads/alice/v1/a.mp4' }),
        new CreateMultipartUploadCommand({ Bucket: fx.bucket, Key: 'uploads/mallory/v9/y.mp4' }),
      ]) {
        await expect(forged.send(command as never)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
        await expect(stranger.send(command as never)).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
      }
    } finally {
      forged.destroy();
      stranger.destroy();
    }
  });

  it('refuses a presigned URL once it has expired, or whose signature was altered', async () => {
    const old = new Date(Date.now() - 3600_000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const url = new URL(fx.url('uploads/alice/v1/a.mp4'));
    url.searchParams.set('X-Amz-Expires', '60');
    const expired = await fx.aws.sign(url.toString(), { method: 'GET', aws: { signQuery: true, datetime: old } });
    const response = await fetch(expired.url);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('AccessDenied');

    const fresh = new URL((await fx.aws.sign(fx.url('uploads/alice/v1/a.mp4'), { method: 'GET', aws: { signQuery: true } })).url);
    expect(await (await fetch(fresh)).text()).toBe('private');
    fresh.searchParams.set('X-Amz-Signature', fresh.searchParams.get('X-Amz-Signature')!.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    expect(await errorCode(await fetch(fresh))).toBe('SignatureDoesNotMatch');
  });
});

describe('CORS allows only the configured origins', () => {
  const preflight = (origin: string) =>
    fetch(fx.url('uploads/alice/v2/b.mp4'), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-amz-checksum-sha256' },
    });

  it('answers a preflight from an allowed origin with that origin, and refuses any other', async () => {
    const allowed = await preflight(PAGE_ORIGIN);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-sha256');

    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed page read the ETag of a part it sent, and S3 errors too; other pages get no CORS headers', async () => {
    const signed = await fx.aws.sign(`${fx.url('uploads/alice/v2/b.mp4')}?partNumber=1&uploadId=${uploadId}`, {
      method: 'PUT',
      body: new Uint8Array(bytes(10)),
      headers: { origin: PAGE_ORIGIN },
      aws: { signQuery: true },
    });
    const part = await fetch(signed);
    expect(part.status).toBe(200);
    expect(part.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(part.headers.get('access-control-expose-headers')).toContain('ETag');

    const refused = await fetch(fx.url('uploads/alice/v1/a.mp4'), { headers: { origin: PAGE_ORIGIN } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);

    const foreign = await fetch(fx.url('uploads/alice/v1/a.mp4'), { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
