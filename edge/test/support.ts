import { env } from 'cloudflare:test';
import { sign } from 'hono/jwt';
import { readEdgeConfig } from '../src/config.js';
import { appRouter } from '../src/router.js';
import { S3Bucket } from '../src/s3/s3-bucket.js';
import { createCallerFactory } from '../src/trpc.js';
import { TEST_SECRETS } from './test-secrets.js';

export const config = readEdgeConfig(env as unknown as Record<string, unknown>);

export const bucket = new S3Bucket({
  bucketUrl: config.S3_BUCKET_URL,
  region: config.S3_REGION,
  accessKeyId: config.S3_ACCESS_KEY_ID,
  secretAccessKey: config.S3_SECRET_ACCESS_KEY,
});

export function bearer(owner: string, expiresInSeconds = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: owner, iat: now, exp: now + expiresInSeconds }, TEST_SECRETS.jwt, 'HS256').then((t) => `Bearer ${t}`);
}

/** A server-side caller for `owner`, with the clock given (default: now). */
export async function callerFor(owner: string, now: () => Date = () => new Date()) {
  return createCallerFactory(appRouter)({ config, bucket, authorization: await bearer(owner), now });
}

/** Deterministic bytes, so what S3 stored can be compared with what was sent. */
export function patternBytes(length: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
