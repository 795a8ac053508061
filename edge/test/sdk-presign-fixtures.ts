import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** One request presigned by the AWS SDK, described so the edge's presigner can sign the same. */
export interface PresignFixture {
  name: string;
  method: 'PUT' | 'GET';
  key: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  expiresInSeconds: number;
  datetime: string;
  sdkUrl: string;
}

const SIGNING_DATE = new Date('2026-11-24T10:00:00Z');
const DATETIME = '20261124T100000Z';
const KEY = "uploads/alice/0123456789abcdefghjkmnpqrs/Été (final) + cut's.mp4";
const CHECKSUM = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';

/** Runs in Node: the reference URLs, for the fixed time above, from @aws-sdk/s3-request-presigner. */
export async function sdkPresignedFixtures(bucketUrl: string): Promise<PresignFixture[]> {
  const url = new URL(bucketUrl);
  const bucket = url.pathname.slice(1);
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: url.origin,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // Presigned URLs must not carry a checksum of an empty body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const base = { signingDate: SIGNING_DATE, expiresIn: 900 };
  const fixtures: PresignFixture[] = [
    {
      name: 'UploadPart',
      method: 'PUT',
      key: KEY,
      query: { partNumber: '7', uploadId: 'upload-1', 'x-id': 'UploadPart' },
      headers: { 'content-length': '5242880' },
      expiresInSeconds: 900,
      datetime: DATETIME,
      sdkUrl: await getSignedUrl(client, new UploadPartCommand({ Bucket: bucket, Key: KEY, UploadId: 'upload-1', PartNumber: 7, ContentLength: 5242880 }), {
        ...base,
        signableHeaders: new Set(['content-length']),
      }),
    },
    {
      name: 'UploadPart with SHA-256',
      method: 'PUT',
      key: KEY,
      query: { partNumber: '10000', uploadId: 'upload-1', 'x-id': 'UploadPart' },
      headers: { 'content-length': '1234', 'x-amz-checksum-sha256': CHECKSUM },
      expiresInSeconds: 900,
      datetime: DATETIME,
      sdkUrl: await getSignedUrl(
        client,
        new UploadPartCommand({ Bucket: bucket, Key: KEY, UploadId: 'upload-1', PartNumber: 10000, ContentLength: 1234, ChecksumSHA256: CHECKSUM }),
        { ...base, signableHeaders: new Set(['content-length']), unhoistableHeaders: new Set(['x-amz-checksum-sha256']) },
      ),
    },
    {
      name: 'PutObject',
      method: 'PUT',
      key: KEY,
      query: { 'x-id': 'PutObject' },
      headers: { 'content-length': '100', 'content-type': 'video/mp4' },
      expiresInSeconds: 900,
      datetime: DATETIME,
      sdkUrl: await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: KEY, ContentLength: 100, ContentType: 'video/mp4' }), {
        ...base,
        signableHeaders: new Set(['content-length', 'content-type']),
      }),
    },
    {
      name: 'GetObject',
      method: 'GET',
      key: 'renditions/0123456789abcdefghjkmnpqrs/360p/segment_00001.ts',
      query: { 'x-id': 'GetObject' },
      headers: {},
      expiresInSeconds: 900,
      datetime: DATETIME,
      sdkUrl: await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'renditions/0123456789abcdefghjkmnpqrs/360p/segment_00001.ts' }), base),
    },
  ];
  client.destroy();
  return fixtures;
}
