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
    /** Base of the scripted JWKS endpoints: `<base>/<name>/jwks.json`, `/control`, `/fetches`. */
    scriptedJwksBase: string;
    /** Private keys (JWK) whose public halves the JWKS server publishes; `rotatedRs256` only once a scripted endpoint rotates. */
    signingKeys: { rs256: JsonWebKey; es256: JsonWebKey; foreignRs256: JsonWebKey; rotatedRs256: JsonWebKey };
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
  // Scripted endpoints, one per name, that a test drives: the key set served (the first one, or
  // with a rotated-in key added), whether a fetch fails or never answers, and how many there were.
  const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rotatedJwk = { ...rotated.publicKey.export({ format: 'jwk' }), kid: 'rs2', alg: 'RS256', use: 'sig' };
  const scripted = new Map<string, { mode: string; rotated: boolean; fetches: number }>();
  const jwksServer = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, prefix, name, action] = url.pathname.split('/');
    if (prefix === 'scripted' && name) {
      const state = scripted.get(name) ?? { mode: 'ok', rotated: false, fetches: 0 };
      scripted.set(name, state);
      if (action === 'control' && request.method === 'POST') {
        state.mode = url.searchParams.get('mode') ?? state.mode;
        if (url.searchParams.has('rotated')) state.rotated = url.searchParams.get('rotated') === '1';
        response.writeHead(204).end();
      } else if (action === 'fetches') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fetches: state.fetches }));
      } else if (action === 'jwks.json') {
        state.fetches++;
        if (state.mode === 'hang') return; // answered by nobody; closed at teardown
        if (state.mode === 'fail') {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('identity provider down');
          return;
        }
        const keys = state.rotated ? [...jwks.keys.slice(0, 1), rotatedJwk] : jwks.keys.slice(0, 1);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
      } else {
        response.writeHead(404).end();
      }
      return;
    }
    response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/jwks.json' ? JSON.stringify(jwks) : '{}');
  });
  const jwksPort = await freePort();
  await new Promise<void>((resolve) => jwksServer.listen(jwksPort, '127.0.0.1', resolve));

  project.provide('s3BucketUrl', s3.bucketUrl);
  project.provide('jwksUrl', `http://127.0.0.1:${jwksPort}/jwks.json`);
  project.provide('scriptedJwksBase', `http://127.0.0.1:${jwksPort}/scripted`);
  project.provide('signingKeys', {
    rs256: { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rs', alg: 'RS256' } as JsonWebKey,
    es256: { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec', alg: 'ES256' } as JsonWebKey,
    foreignRs256: { ...foreign.privateKey.export({ format: 'jwk' }), kid: 'rs', alg: 'RS256' } as JsonWebKey,
    rotatedRs256: { ...rotated.privateKey.export({ format: 'jwk' }), kid: 'rs2', alg: 'RS256' } as JsonWebKey,
  });
  project.provide('presignFixtures', await sdkPresignedFixtures(s3.bucketUrl));

  return async () => {
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
    await s3.stop();
    await rm(directory, { recursive: true, force: true });
  };
}
