import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { AwsClient } from 'aws4fetch';
import { freePort } from '../ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../s3-emulator.js';

export const PAGE_ORIGIN = 'http://127.0.0.1:8787';

export interface EmulatorFixture {
  emulator: S3Emulator;
  bucket: string;
  /** The AWS SDK, signing with the emulator's credentials. */
  s3: S3Client;
  /** Signs any request by hand (SigV4 header, or query with `aws: { signQuery: true }`). */
  aws: AwsClient;
  /** `${bucketUrl}/${key}`, each key segment encoded. */
  url(key: string): string;
  /** Every event record the emulator emitted so far. */
  events: Array<{ eventName: string; s3: { object: { key: string } } }>;
  stop(): Promise<void>;
}

/** The strict S3 emulator on a free loopback port and a throwaway folder, with a page origin allowed by CORS. */
export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s3-emulator-test-'));
  const bucket = 'hoist';
  const emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket, corsOrigins: [PAGE_ORIGIN] });
  const events: EmulatorFixture['events'] = [];
  emulator.onEvent((event) => events.push(...(event.Records as EmulatorFixture['events'])));
  const s3 = new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_EMULATOR_CREDENTIALS, maxAttempts: 1 });
  const aws = new AwsClient({ ...S3_EMULATOR_CREDENTIALS, service: 's3', region: 'us-east-1', retries: 0 });
  return {
    emulator,
    bucket,
    s3,
    aws,
    url: (key) => `${emulator.bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}`,
    events,
    stop: async () => {
      s3.destroy();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** S3's error code from an XML error body. */
export async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

/** Bytes of a repeating pattern, different for each `seed`. */
export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}
