import { describe, expect, inject, it } from 'vitest';
import { sign } from 'hono/jwt';
import { callHttp } from './support.js';
import { TEST_SECRETS } from './test-secrets.js';

const now = () => Math.floor(Date.now() / 1000);
const claims = (sub: string, exp = now() + 600) => ({ sub, iat: now(), exp });
const statusOf = (authorization: string | null) => callHttp('videos.status', { videoId: '0'.repeat(26) }, { authorization, kind: 'query' });

describe('bearer JWTs, verified at the edge', () => {
  it('accepts HS256 with the shared secret, and RS256 and ES256 from the JWKS', async () => {
    const keys = inject('signingKeys');
    for (const token of [
      await sign(claims('alice'), TEST_SECRETS.jwt, 'HS256'),
      await sign(claims('alice'), keys.rs256 as never, 'RS256'),
      await sign(claims('alice'), keys.es256 as never, 'ES256'),
    ]) {
      // Authenticated: the video is simply not there.
      expect(await statusOf(`Bearer ${token}`)).toMatchObject({ status: 404 });
    }
  });

  it('refuses missing, expired, foreign-signed and unsigned tokens', async () => {
    const keys = inject('signingKeys');
    expect(await statusOf(null)).toMatchObject({ status: 401, message: 'missing bearer token: send Authorization: Bearer <jwt>' });
    expect(await statusOf(`Bearer ${await sign(claims('alice', now() - 10), TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({
      status: 401,
      message: expect.stringContaining('expired'),
    });
    expect(await statusOf(`Bearer ${await sign(claims('alice'), 'another-secret-that-is-long-enough-000', 'HS256')}`)).toMatchObject({ status: 401 });
    expect(await statusOf(`Bearer ${await sign(claims('alice'), keys.foreignRs256 as never, 'RS256')}`)).toMatchObject({ status: 401 });
    const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${btoa(JSON.stringify(claims('alice')))}.`.replace(/=/g, '');
    expect(await statusOf(`Bearer ${unsigned}`)).toMatchObject({ status: 401, message: expect.stringContaining('algorithm none is not accepted') });
    expect(await statusOf(`Bearer ${await sign({ exp: now() + 60 }, TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({
      status: 401,
      message: 'bearer token has no usable subject (sub)',
    });
    expect(await statusOf(`Bearer ${await sign(claims('alice/../bob'), TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({ status: 401 });
  });
});
