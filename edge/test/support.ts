import { env, exports } from 'cloudflare:workers';
import { AwsClient } from 'aws4fetch';
import { sign } from 'hono/jwt';
import { appRouter } from '../src/router.js';
import { edgeServices } from '../src/services.js';
import { createCallerFactory, type EdgeContext } from '../src/trpc.js';
import { TEST_JWT_CLAIMS, TEST_SECRETS } from './test-secrets.js';

export const services = edgeServices(env as unknown as Record<string, unknown>);
export const { config, bucket, presigner } = services;

/** Signs as the bucket's owner: the only way to read or write the private bucket from a test. */
export const bucketOwner = new AwsClient({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', service: 's3', region: 'us-east-1' });

/** A signed request for one object of the test bucket (GET unless `init` says otherwise). */
export function storedObject(key: string, init: RequestInit = {}): Promise<Response> {
  return bucketOwner.fetch(bucket.objectUrl(key).toString(), init);
}

/** An HS256 bearer token for `owner`, issued at `issuedAt` (now by default) with the issuer and audience the edge requires. */
export function bearer(owner: string, expiresInSeconds = 3600, issuedAt = new Date()): Promise<string> {
  const now = Math.floor(issuedAt.getTime() / 1000);
  return sign({ sub: owner, ...TEST_JWT_CLAIMS, iat: now, exp: now + expiresInSeconds }, TEST_SECRETS.jwt, 'HS256').then((t) => `Bearer ${t}`);
}

/**
 * A server-side caller for `owner`; the clock, the config and the Authorization header can be
 * swapped. Its bearer token is issued by the caller's clock, so moving the clock moves the token.
 */
export async function callerFor(
  owner: string,
  overrides: { now?: () => Date; config?: Partial<EdgeContext['config']>; authorization?: string } = {},
) {
  const now = overrides.now ?? (() => new Date());
  return createCallerFactory(appRouter)({
    ...services,
    config: { ...config, ...overrides.config },
    origin: 'http://edge.test',
    authorization: overrides.authorization ?? (await bearer(owner, 3600, now())),
    now,
  });
}

/** Calls a procedure over HTTP, as a client does; returns the status and the error message, if any. */
export async function callHttp(
  procedure: string,
  input: unknown,
  options: { authorization?: string | null; kind?: 'query' | 'mutation' } = {},
): Promise<{ status: number; message?: string; data?: unknown }> {
  const authorization = options.authorization === undefined ? await bearer('alice') : options.authorization;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const response =
    options.kind === 'query'
      ? await exports.default.fetch(`http://edge.test/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await exports.default.fetch(`http://edge.test/trpc/${procedure}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
  const body = (await response.json()) as { error?: { message: string }; result?: { data: unknown } };
  return { status: response.status, ...(body.error ? { message: body.error.message } : { data: body.result?.data }) };
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

export async function sha256Base64(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...digest));
}

/** CRC32C (Castagnoli) of `bytes`, base64 as S3 states it: what SDKs that checksum by CRC send. */
export function crc32cBase64(bytes: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  return btoa(String.fromCharCode(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}
