import { describe, expect, inject, it } from 'vitest';
import { sign } from 'hono/jwt';
import { EdgeConfigError, readEdgeConfig, type EdgeConfig } from '../src/config.js';
import { callHttp, callerFor } from './support.js';
import { TEST_JWT_CLAIMS, TEST_SECRETS } from './test-secrets.js';

const now = () => Math.floor(Date.now() / 1000);
const claims = (sub: string, exp = now() + 600) => ({ sub, ...TEST_JWT_CLAIMS, iat: now(), exp });
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
    expect(await statusOf(`Bearer ${await sign(claims('alice', now() - 120), TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({
      status: 401,
      message: expect.stringContaining('expired'),
    });
    expect(await statusOf(`Bearer ${await sign(claims('alice'), 'another-secret-that-is-long-enough-000', 'HS256')}`)).toMatchObject({ status: 401 });
    expect(await statusOf(`Bearer ${await sign(claims('alice'), keys.foreignRs256 as never, 'RS256')}`)).toMatchObject({ status: 401 });
    const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${btoa(JSON.stringify(claims('alice')))}.`.replace(/=/g, '');
    expect(await statusOf(`Bearer ${unsigned}`)).toMatchObject({ status: 401, message: expect.stringContaining('algorithm none is not accepted') });
    expect(await statusOf(`Bearer ${await sign({ ...TEST_JWT_CLAIMS, exp: now() + 60 }, TEST_SECRETS.jwt, 'HS256')}`)).toMatchObject({
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

describe('JWKS mode: issuer and audience', () => {
  const bindings = {
    S3_BUCKET_URL: 'http://127.0.0.1:9/hoist',
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
    UPLOAD_TOKEN_SECRET: TEST_SECRETS.uploadToken,
    JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
  };
  const missing = (name: string, claim: string) =>
    `${name}: ${name} is not set: it is required with JWKS_URL, so that only tokens whose ${claim} names this service are accepted`;

  it('will not start without JWT_ISSUER and JWT_AUDIENCE, naming each that is missing', () => {
    expect(() => readEdgeConfig({ ...bindings })).toThrow(
      new EdgeConfigError(`edge configuration is invalid: ${missing('JWT_ISSUER', 'iss')}; ${missing('JWT_AUDIENCE', 'aud')}`),
    );
    expect(() => readEdgeConfig({ ...bindings, JWT_ISSUER: 'https://id.example.com/' })).toThrow(
      new EdgeConfigError(`edge configuration is invalid: ${missing('JWT_AUDIENCE', 'aud')}`),
    );
    expect(() => readEdgeConfig({ ...bindings, JWT_AUDIENCE: 'hoist' })).toThrow(
      new EdgeConfigError(`edge configuration is invalid: ${missing('JWT_ISSUER', 'iss')}`),
    );
    expect(readEdgeConfig({ ...bindings, JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'hoist' })).toMatchObject({
      JWT_CLOCK_SKEW_SECONDS: 60,
      JWT_MAX_LIFETIME_SECONDS: 86_400,
      JWKS_FETCH_TIMEOUT_SECONDS: 5,
    });
    // HS256 alone needs neither.
    const { JWKS_URL: _jwks, ...hs256 } = bindings;
    expect(readEdgeConfig({ ...hs256, JWT_SECRET: TEST_SECRETS.jwt })).toMatchObject({ JWT_SECRET: TEST_SECRETS.jwt });
  });

  it('refuses bad values of the token settings, naming them', () => {
    const base = { ...bindings, JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'hoist' };
    for (const [setting, value, message] of [
      ['JWT_CLOCK_SKEW_SECONDS', '-1', 'JWT_CLOCK_SKEW_SECONDS cannot be negative (0 allows no skew)'],
      ['JWT_CLOCK_SKEW_SECONDS', '3600', 'JWT_CLOCK_SKEW_SECONDS must be at most 300 (more keeps expired tokens alive)'],
      ['JWT_MAX_LIFETIME_SECONDS', 'a day', 'JWT_MAX_LIFETIME_SECONDS must be a number of seconds'],
      ['JWKS_FETCH_TIMEOUT_SECONDS', '0', 'JWKS_FETCH_TIMEOUT_SECONDS must be positive'],
    ] as const) {
      expect(() => readEdgeConfig({ ...base, [setting]: value }), `${setting}=${value}`).toThrow(
        new EdgeConfigError(`edge configuration is invalid: ${setting}: ${message}`),
      );
    }
    expect(readEdgeConfig({ ...base, JWT_CLOCK_SKEW_SECONDS: '0' })).toMatchObject({ JWT_CLOCK_SKEW_SECONDS: 0 });
  });

  it('checks iss and aud on every token, whichever way it is signed', async () => {
    const keys = inject('signingKeys');
    const signers = {
      RS256: (payload: object) => sign(payload as never, keys.rs256 as never, 'RS256'),
      ES256: (payload: object) => sign(payload as never, keys.es256 as never, 'ES256'),
      HS256: (payload: object) => sign(payload as never, TEST_SECRETS.jwt, 'HS256'),
    };
    const { iss: _iss, ...noIssuer } = claims('alice');
    const { aud: _aud, ...noAudience } = claims('alice');
    for (const [alg, signer] of Object.entries(signers)) {
      for (const [payload, message] of [
        [{ ...claims('alice'), aud: 'another-app' }, 'bearer token audience (aud) "another-app" does not include "hoist-edge-test"'],
        [{ ...claims('alice'), aud: ['another-app', 'a-third'] }, 'bearer token audience (aud) ["another-app","a-third"] does not include "hoist-edge-test"'],
        [noAudience, 'bearer token has no audience (aud); expected "hoist-edge-test"'],
        [{ ...claims('alice'), iss: 'https://evil.example/' }, 'bearer token issuer (iss) "https://evil.example/" is not the expected "https://id.hoist.test/"'],
        [noIssuer, 'bearer token has no issuer (iss); expected "https://id.hoist.test/"'],
      ] as const) {
        expect(await statusOf(`Bearer ${await signer(payload)}`), `${alg} ${JSON.stringify(payload)}`).toEqual({ status: 401, message });
      }
      // One of several audiences is enough.
      expect(await statusOf(`Bearer ${await signer({ ...claims('alice'), aud: ['another-app', TEST_JWT_CLAIMS.aud] })}`), alg).toMatchObject({ status: 404 });
    }
  });
});

describe('expiry, clock skew and lifetime', () => {
  const hs256 = async (payload: object) => `Bearer ${await sign({ sub: 'alice', ...TEST_JWT_CLAIMS, ...payload } as never, TEST_SECRETS.jwt, 'HS256')}`;

  it('requires exp, and allows 60 s of skew on exp, nbf and iat but no more', async () => {
    const t = now();
    for (const [payload, expected] of [
      [{ iat: t }, { status: 401, message: 'bearer token has no expiry (exp): tokens without one are not accepted' }],
      [{ iat: t, exp: 'tomorrow' }, { status: 401, message: 'bearer token exp is not a number of seconds since 1970' }],
      [{ iat: t - 600, exp: t - 30 }, { status: 404 }],
      [{ iat: t - 600, exp: t - 90 }, { status: 401, message: `bearer token expired at ${new Date((t - 90) * 1000).toISOString()}` }],
      [{ iat: t, nbf: t + 30, exp: t + 600 }, { status: 404 }],
      [{ iat: t, nbf: t + 90, exp: t + 600 }, { status: 401, message: `bearer token is not valid before ${new Date((t + 90) * 1000).toISOString()} (nbf)` }],
      [{ iat: t + 30, exp: t + 600 }, { status: 404 }],
      [{ iat: t + 90, exp: t + 600 }, { status: 401, message: `bearer token was issued in the future, at ${new Date((t + 90) * 1000).toISOString()} (iat)` }],
    ] as const) {
      expect(await statusOf(await hs256(payload)), JSON.stringify(payload)).toMatchObject(expected);
    }
  });

  it('refuses a token valid for longer than 24 hours, counted from iat, or from now without one', async () => {
    const t = now();
    const tooLong = (lifetime: number, counted: string) => ({
      status: 401,
      message: `bearer token is valid for ${lifetime} s (${counted}), longer than the 86400 s this service accepts (JWT_MAX_LIFETIME_SECONDS)`,
    });
    expect(await statusOf(await hs256({ iat: t, exp: t + 86_400 }))).toMatchObject({ status: 404 });
    expect(await statusOf(await hs256({ iat: t - 3600, exp: t + 86_400 - 3599 }))).toEqual(tooLong(86_401, 'exp - iat'));
    expect(await statusOf(await hs256({ iat: t, exp: t + 30 * 86_400 }))).toEqual(tooLong(30 * 86_400, 'exp - iat'));
    expect(await statusOf(await hs256({ exp: t + 86_400 }))).toMatchObject({ status: 404 });
    // Counted from the edge's clock, which may have moved on a second since `t`.
    expect(await statusOf(await hs256({ exp: t + 2 * 86_400 }))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/^bearer token is valid for 17(2800|2799) s \(from now to exp\), longer than the 86400 s this service accepts/),
    });
  });

  it('takes the skew and the longest lifetime from the settings', async () => {
    const t = now();
    const as = async (payload: object, config: Partial<EdgeConfig>) =>
      (await callerFor('alice', { authorization: await hs256(payload), config })).uploads.policy();
    await expect(as({ iat: t - 600, exp: t - 5 }, { JWT_CLOCK_SKEW_SECONDS: 0 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: `bearer token expired at ${new Date((t - 5) * 1000).toISOString()}`,
    });
    await expect(as({ iat: t - 600, exp: t - 5 }, { JWT_CLOCK_SKEW_SECONDS: 60 })).resolves.toMatchObject({ maxUploadBytes: expect.any(Number) });
    await expect(as({ iat: t, exp: t + 30 * 86_400 }, { JWT_MAX_LIFETIME_SECONDS: 30 * 86_400 })).resolves.toMatchObject({ maxUploadBytes: expect.any(Number) });
    await expect(as({ iat: t, exp: t + 3601 }, { JWT_MAX_LIFETIME_SECONDS: 3600 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'bearer token is valid for 3601 s (exp - iat), longer than the 3600 s this service accepts (JWT_MAX_LIFETIME_SECONDS)',
    });
  });
});

describe('fetching the JWKS', () => {
  const keys = inject('signingKeys');
  /** A scripted JWKS endpoint of its own, a clock the test moves, and calls signed by that clock. */
  function provider(name: string) {
    const base = `${inject('scriptedJwksBase')}/${name}-${crypto.randomUUID()}`;
    let clock = Date.now();
    return {
      advance: (ms: number) => void (clock += ms),
      control: async (query: string) => expect((await fetch(`${base}/control?${query}`, { method: 'POST' })).status).toBe(204),
      fetches: async () => ((await (await fetch(`${base}/fetches`)).json()) as { fetches: number }).fetches,
      async call(key: JsonWebKey) {
        const t = Math.floor(clock / 1000);
        const token = await sign({ sub: 'alice', ...TEST_JWT_CLAIMS, iat: t, exp: t + 600 }, key as never, 'RS256');
        const caller = await callerFor('alice', {
          now: () => new Date(clock),
          authorization: `Bearer ${token}`,
          config: { JWKS_URL: `${base}/jwks.json`, JWKS_FETCH_TIMEOUT_SECONDS: 1 },
        });
        return caller.uploads.policy();
      },
    };
  }
  const accepted = { maxUploadBytes: expect.any(Number) };

  it('fetches at once for a kid it has not seen, at most once every 30 s', async () => {
    const idp = provider('rotation');
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(1);
    // The provider rotates a key in; a token signed with it comes well before the cached set's 5 minutes are up.
    await idp.control('rotated=1');
    idp.advance(31_000);
    await expect(idp.call(keys.rotatedRs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(2);
    // A kid nobody publishes: refused, and it cannot make the edge fetch more than once in 30 s.
    const madeUp = { ...keys.foreignRs256, kid: 'made-up' };
    idp.advance(1000);
    await expect(idp.call(madeUp)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'bearer token rejected: JWKS_URL has no key with kid "made-up"' });
    await expect(idp.call(madeUp)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await idp.fetches()).toBe(2);
    idp.advance(30_000);
    await expect(idp.call(madeUp)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'bearer token rejected: JWKS_URL has no key with kid "made-up"' });
    expect(await idp.fetches()).toBe(3);
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(3);
  });

  it('keeps the last good key set when a refresh fails or times out', async () => {
    const idp = provider('outage');
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    await idp.control('mode=fail');
    idp.advance(6 * 60_000); // past the cached set's 5 minutes
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(2);
    idp.advance(10_000);
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(2);

    await idp.control('mode=hang');
    idp.advance(60_000);
    const started = performance.now();
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(await idp.fetches()).toBe(3);

    // Back up, with a key rotated in: the next refresh takes the new set.
    await idp.control('mode=ok&rotated=1');
    idp.advance(60_000);
    await expect(idp.call(keys.rotatedRs256)).resolves.toMatchObject(accepted);
    expect(await idp.fetches()).toBe(4);
  });

  it('with no key set yet, a JWKS_URL that does not answer fails within the timeout, as a 503 that says why', async () => {
    const idp = provider('silent');
    await idp.control('mode=hang');
    const started = performance.now();
    await expect(idp.call(keys.rs256)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'cannot verify the bearer token now: JWKS_URL did not answer within 1 s (JWKS_FETCH_TIMEOUT_SECONDS)',
    });
    expect(performance.now() - started).toBeLessThan(4000);
    await idp.control('mode=fail');
    await expect(idp.call(keys.rs256)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'cannot verify the bearer token now: JWKS_URL answered HTTP 500',
    });
    await idp.control('mode=ok');
    await expect(idp.call(keys.rs256)).resolves.toMatchObject(accepted);
  });
});
