import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { bytes, errorCode, startEmulatorFixture, type EmulatorFixture } from './emulator-fixture.js';

const MiB = 1024 * 1024;
let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startEmulatorFixture();
});
afterAll(() => fx.stop());

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('base64');

async function createUpload(key: string, checksum?: 'SHA256' | 'CRC32C') {
  const { UploadId } = await fx.s3.send(new CreateMultipartUploadCommand({ Bucket: fx.bucket, Key: key, ...(checksum ? { ChecksumAlgorithm: checksum } : {}) }));
  return UploadId!;
}

/** A part PUT signed by hand, so its headers can say what the test wants (a wrong checksum, say). */
async function putPart(key: string, uploadId: string, partNumber: number, body: Buffer, headers: Record<string, string> = {}) {
  const request = await fx.aws.sign(`${fx.url(key)}?partNumber=${partNumber}&uploadId=${uploadId}`, { method: 'PUT', body: new Uint8Array(body), headers, aws: { signQuery: true } });
  return fetch(request);
}

describe('multipart uploads, as S3 checks them', () => {
  it('ListParts lists what S3 holds, with ETags, sizes and checksums, a page at a time', async () => {
    const key = 'uploads/alice/v1/list.mp4';
    const uploadId = await createUpload(key, 'SHA256');
    const bodies = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(1000, 3)];
    const etags: string[] = [];
    for (const [index, body] of bodies.entries()) {
      const response = await putPart(key, uploadId, index + 1, body, { 'x-amz-checksum-sha256': sha256(body) });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amz-checksum-sha256')).toBe(sha256(body));
      etags.push(response.headers.get('etag')!);
    }
    const first = await fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId, MaxParts: 2 }));
    expect(first).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '2', ChecksumAlgorithm: 'SHA256' });
    expect(first.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size, part.ChecksumSHA256])).toEqual([
      [1, etags[0], 5 * MiB, sha256(bodies[0]!)],
      [2, etags[1], 5 * MiB, sha256(bodies[1]!)],
    ]);
    const rest = await fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId, PartNumberMarker: '2' }));
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Parts?.map((part) => part.PartNumber)).toEqual([3]);
  });

  it('answers NoSuchUpload for an upload id it never issued, or one issued for another key', async () => {
    const uploadId = await createUpload('uploads/alice/v2/a.mp4');
    await expect(fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: 'uploads/alice/v2/a.mp4', UploadId: 'made-up' }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: 'uploads/mallory/v2/a.mp4', UploadId: uploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    const stray = await putPart('uploads/mallory/v2/a.mp4', uploadId, 1, bytes(10));
    expect(stray.status).toBe(404);
    expect(await errorCode(stray)).toBe('NoSuchUpload');
  });

  it('refuses a part whose bytes do not match its checksum with BadDigest, and keeps nothing of it', async () => {
    const key = 'uploads/alice/v3/corrupt.mp4';
    const uploadId = await createUpload(key, 'SHA256');
    const body = bytes(5 * MiB);
    const corrupted = Buffer.from(body);
    corrupted[1234] = corrupted[1234]! ^ 0xff;
    const refused = await putPart(key, uploadId, 1, corrupted, { 'x-amz-checksum-sha256': sha256(body) });
    expect(refused.status).toBe(400);
    expect(await errorCode(refused)).toBe('BadDigest');
    expect((await fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);

    const otherKind = await putPart(key, uploadId, 1, body, { 'x-amz-checksum-crc32c': 'AAAAAA==' });
    expect(await errorCode(otherKind)).toBe('InvalidRequest');
  });

  it('verifies CRC32C part checksums too (the SDK computes them)', async () => {
    const key = 'uploads/alice/v4/crc.mp4';
    const uploadId = await createUpload(key, 'CRC32C');
    const part = await fx.s3.send(new UploadPartCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: bytes(1000), ChecksumAlgorithm: 'CRC32C' }));
    expect(part.ChecksumCRC32C).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const wrong = await putPart(key, uploadId, 2, bytes(1000, 9), { 'x-amz-checksum-crc32c': part.ChecksumCRC32C! });
    expect(await errorCode(wrong)).toBe('BadDigest');
  });

  it('completes only with the parts it holds, in order, with their checksums, each but the last at least 5 MiB', async () => {
    const key = 'uploads/alice/v5/whole.mp4';
    const uploadId = await createUpload(key, 'SHA256');
    const bodies = [bytes(5 * MiB, 4), bytes(100, 5)];
    const parts: Array<{ PartNumber: number; ETag: string; ChecksumSHA256: string }> = [];
    for (const [index, body] of bodies.entries()) {
      const response = await putPart(key, uploadId, index + 1, body, { 'x-amz-checksum-sha256': sha256(body) });
      parts.push({ PartNumber: index + 1, ETag: response.headers.get('etag')!, ChecksumSHA256: sha256(body) });
    }
    const complete = (Parts: Array<{ PartNumber: number; ETag: string; ChecksumSHA256?: string }>) => fx.s3.send(new CompleteMultipartUploadCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }));
    await expect(complete([{ ...parts[0]!, ETag: '"00000000000000000000000000000000"' }, parts[1]!])).rejects.toMatchObject({ name: 'InvalidPart' });
    await expect(complete([parts[1]!, parts[0]!])).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await expect(complete([{ PartNumber: 1, ETag: parts[0]!.ETag }, { PartNumber: 2, ETag: parts[1]!.ETag }])).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(complete([{ ...parts[0]!, ChecksumSHA256: parts[1]!.ChecksumSHA256 }, parts[1]!])).rejects.toMatchObject({ name: 'InvalidPart' });

    const done = await complete(parts);
    const partDigest = (part: { ChecksumSHA256: string }) => Buffer.from(part.ChecksumSHA256, 'base64');
    expect(done.ChecksumSHA256).toBe(`${createHash('sha256').update(Buffer.concat(parts.map(partDigest))).digest('base64')}-2`);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const head = await fx.s3.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: key }));
    expect(head).toMatchObject({ ContentLength: 5 * MiB + 100, ETag: done.ETag });
    expect(fx.events.at(-1)).toMatchObject({ eventName: 'ObjectCreated:CompleteMultipartUpload', s3: { object: { key } } });
    // The upload is gone once complete.
    expect(await errorCode(await putPart(key, uploadId, 3, bytes(10)))).toBe('NoSuchUpload');
  });

  it('refuses to complete when a part before the last is under 5 MiB', async () => {
    const key = 'uploads/alice/v6/small.mp4';
    const uploadId = await createUpload(key);
    const etags = [];
    for (const n of [1, 2]) etags.push((await putPart(key, uploadId, n, bytes(1000, n))).headers.get('etag')!);
    await expect(
      fx.s3.send(new CompleteMultipartUploadCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } })),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' });
  });

  it('aborts: the parts are gone and later parts are refused', async () => {
    const key = 'uploads/alice/v7/gone.mp4';
    const uploadId = await createUpload(key);
    await putPart(key, uploadId, 1, bytes(1000));
    await fx.s3.send(new AbortMultipartUploadCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId }));
    expect(await errorCode(await putPart(key, uploadId, 2, bytes(1000)))).toBe('NoSuchUpload');
    await expect(fx.s3.send(new ListPartsCommand({ Bucket: fx.bucket, Key: key, UploadId: uploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });
});
