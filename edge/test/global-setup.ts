import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../dev/ports.js';
import { startS3Emulator } from '../../dev/s3-emulator.js';
import { sdkPresignedFixtures, type PresignFixture } from './sdk-presign-fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3BucketUrl: string;
    jwksUrl: string;
    /** Private keys (JWK) whose public halves the JWKS server publishes. */
    signingKeys: { rs256: JsonWebKey; es256: JsonWebKey; foreignRs256: JsonWebKey };
    presignFixtures: PresignFixture[];
  }
}

/**
 * Node-side helpers for the workerd tests: the S3 emulator, a JWKS endpoint on loopback, and
 * URLs presigned by @aws-sdk/s3-request-presigner to compare the edge's signing with.
 */
export default async function setup(project: TestProject) {
  const directory = await mkdtemp(join(tmpdir(), 'hoist-edge-test-'));
  const s3 = await startS3Emulator({ port: await freePort(), directory, bucket: 'hoist-test' });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = {
    keys: [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rs', alg: 'RS256', use: 'sig' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', alg: 'ES256', use: 'sig' },
    ],
  };
  const jwksServer = createServer((request, response) => {
    response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/jwks.json' ? JSON.stringify(jwks) : '{}');
  });
  const jwksPort = await freePort();
  await new Promise<void>((resolve) => jwksServer.listen(jwksPort, '127.0.0.1', resolve));

  project.provide('s3BucketUrl', s3.bucketUrl);
  project.provide('jwksUrl', `http://127.0.0.1:${jwksPort}/jwks.json`);
  project.provide('signingKeys', {
    rs256: { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rs', alg: 'RS256' } as JsonWebKey,
    es256: { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec', alg: 'ES256' } as JsonWebKey,
    foreignRs256: { ...foreign.privateKey.export({ format: 'jwk' }), kid: 'rs', alg: 'RS256' } as JsonWebKey,
  });
  project.provide('presignFixtures', await sdkPresignedFixtures(s3.bucketUrl));

  return async () => {
    await new Promise((resolve) => jwksServer.close(resolve));
    await s3.stop();
    await rm(directory, { recursive: true, force: true });
  };
}
