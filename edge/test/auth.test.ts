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

  it('refuses a validly signed token whose subject would make keys ambiguous, saying why', async () => {
    const refused = (reason: string) => ({ status: 401, message: `bearer token subject (sub) cannot be an owner id: ${reason}` });
    const folder = 'owner id cannot be "." or "..": keys read as paths would leave the owner\'s folder';
    const characters = 'owner id must be 1-128 characters of A-Z a-z 0-9 . _ @ : | = + -';
    for (const [sub, reason] of [
      ['.', folder],
      ['..', folder],
      ['', characters],
      ['alice/bob', characters],
      ['alice\u0000', characters],
      ['alice\nbob', characters],
      ['x'.repeat(129), characters],
    ] as const) {
      expect(await statusOf(`Bearer ${await sign(claims(sub), TEST_SECRETS.jwt, 'HS256')}`), JSON.stringify(sub)).toMatchObject(refused(reason));
    }
    // Dots are fine inside an id; only the path steps themselves are refused.
    expect(await statusOf(`Bearer ${await sign(claims('...'), TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({ status: 404 });
    // Creating an upload is refused the same way, before any key is built.
    expect(
      await callHttp('uploads.create', { fileName: 'a.mp4', size: 10, contentType: 'video/mp4' }, { authorization: `Bearer ${await sign(claims('..'), TEST_SECRETS.jwt, 'HS256')}` }),
    ).toMatchObject(refused(folder));
  });
});
