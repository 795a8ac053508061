import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../dev/ports.js';
import { asDeliveredByS3 } from '../../dev/s3-event-bridge.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { newVideoId } from '../src/ids.js';
import { parseSourceKey, sourceKey } from '../src/keys.js';
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
});
