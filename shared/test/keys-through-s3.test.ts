import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../dev/ports.js';
import { asDeliveredByS3 } from '../../dev/s3-event-bridge.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { newVideoId } from '../src/ids.js';
import { MAX_NAME_BYTES, parseSourceKey, safeFileName, sourceKey } from '../src/keys.js';
import { S3EventRecord, decodeS3EventKey } from '../src/s3-event.js';

let dir: string;
let emulator: S3Emulator;
let s3: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-shared-test-'));
  emulator = await startS3Emulator({ port: await freePort(), directory: dir, bucket: 'hoist' });
  s3 = new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_EMULATOR_CREDENTIALS });
});

afterAll(async () => {
  s3.destroy();
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the key layout survives a real round trip through S3 and its event', () => {
  it.each(['plain.mp4', 'My Clip + more (1).mov', 'été à Zürich 🎬.mkv', '100% done?.mp4'])('%s', async (name) => {
    const videoId = newVideoId();
    const key = sourceKey('alice', videoId, name);
    const event = new Promise<{ Records: unknown[] }>((resolve) => emulator.onEvent(resolve));
    await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: 'x' }));

    const delivered = asDeliveredByS3(await event);
    const record = S3EventRecord.parse(delivered.Records[0]);
    expect(record.s3.object.key).not.toContain(' ');
    expect(parseSourceKey(decodeS3EventKey(record.s3.object.key))).toEqual({ owner: 'alice', videoId, fileName: name });
  });

  // Long and malformed names: what the edge keeps of them must read back as a source key once S3
  // has stored it and sent its event, or the Lambda passes the video over and it stays `queued`.
  it.each([
    ['cut at the limit just after a space', `${'a'.repeat(10)} ${'b'.repeat(MAX_NAME_BYTES - 5)}.mp4`],
    ['a control character between a letter and its accent', 'cafe\u0000\u0301.mp4'],
    ['an unpaired surrogate', 'clip\ud800.mp4'],
    ['a long name in two-byte letters', `${'é'.repeat(MAX_NAME_BYTES)}.mp4`],
    ['a long name in four-byte emoji', `${'🎬'.repeat(MAX_NAME_BYTES)}.mkv`],
  ])('%s', async (_label, name) => {
    const videoId = newVideoId();
    const key = sourceKey('alice', videoId, name);
    const event = new Promise<{ Records: unknown[] }>((resolve) => emulator.onEvent(resolve));
    await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: 'x' }));

    const record = S3EventRecord.parse(asDeliveredByS3(await event).Records[0]);
    expect(parseSourceKey(decodeS3EventKey(record.s3.object.key))).toEqual({ owner: 'alice', videoId, fileName: safeFileName(name) });
  });
});
