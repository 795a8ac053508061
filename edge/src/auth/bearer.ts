import { decode, verify, verifyWithJwks } from 'hono/jwt';
import { OwnerId } from '@hoist/shared';
import type { EdgeConfig } from '../config.js';
import { jwksKeys } from './jwks.js';

export class AuthError extends Error {
  override name = 'AuthError';
}

type JwtSettings = Pick<
  EdgeConfig,
  'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWT_CLOCK_SKEW_SECONDS' | 'JWT_MAX_LIFETIME_SECONDS' | 'JWKS_FETCH_TIMEOUT_SECONDS'
>;

// hono checks the times itself, with no slack and only when a claim is there; the edge checks
// them below, after the signature, with the configured skew and `exp` required.
const NO_TIME_CHECKS = { exp: false, nbf: false, iat: false } as const;

const at = (seconds: number) => new Date(seconds * 1000).toISOString();

/** hono's messages quote the whole token back; these say what was wrong without it. */
function signatureProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'JwtTokenSignatureMismatched') return 'signature does not match';
  if (name === 'JwtTokenInvalid') return 'not a well-formed JWT';
  if (name === 'JwtHeaderInvalid') return 'its header is not a JWT header this service accepts';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The claims every token must pass once its signature is good: an expiry, not past (`exp`), a
 * start not ahead (`nbf`, `iat`), each with `skew` seconds of slack for clocks that differ; a
 * lifetime no longer than the maximum, so a leaked token does not stay good for months; and the
 * issuer and audience when configured.
 */
function checkClaims(payload: Record<string, unknown>, settings: JwtSettings, nowSeconds: number): void {
  const skew = settings.JWT_CLOCK_SKEW_SECONDS;
  const time = (claim: 'exp' | 'nbf' | 'iat'): number | undefined => {
    const value = payload[claim];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new AuthError(`bearer token ${claim} is not a number of seconds since 1970`);
    return value;
  };
  const exp = time('exp');
  const nbf = time('nbf');
  const iat = time('iat');
  if (exp === undefined) throw new AuthError('bearer token has no expiry (exp): tokens without one are not accepted');
  if (nowSeconds >= exp + skew) throw new AuthError(`bearer token expired at ${at(exp)}`);
  if (nbf !== undefined && nbf > nowSeconds + skew) throw new AuthError(`bearer token is not valid before ${at(nbf)} (nbf)`);
  if (iat !== undefined && iat > nowSeconds + skew) throw new AuthError(`bearer token was issued in the future, at ${at(iat)} (iat)`);
  const max = settings.JWT_MAX_LIFETIME_SECONDS;
  // Without `iat` the token says nothing of when it was made: what is left of it is measured,
  // with the skew allowed, as the issuer's clock may be ahead of this one.
  const lifetime = iat !== undefined ? exp - iat : exp - nowSeconds;
  if (lifetime > (iat !== undefined ? max : max + skew)) {
    throw new AuthError(
      `bearer token is valid for ${lifetime} s (${iat !== undefined ? 'exp - iat' : 'from now to exp'}), longer than the ${max} s this service accepts (JWT_MAX_LIFETIME_SECONDS)`,
    );
  }
  if (settings.JWT_ISSUER !== undefined && payload['iss'] !== settings.JWT_ISSUER) {
    throw new AuthError(
      payload['iss'] === undefined
        ? `bearer token has no issuer (iss); expected "${settings.JWT_ISSUER}"`
        : `bearer token issuer (iss) ${JSON.stringify(payload['iss'])} is not the expected "${settings.JWT_ISSUER}"`,
    );
  }
  if (settings.JWT_AUDIENCE !== undefined) {
    const aud = payload['aud'];
    const audiences = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
    if (!audiences.includes(settings.JWT_AUDIENCE)) {
      throw new AuthError(
        aud === undefined
          ? `bearer token has no audience (aud); expected "${settings.JWT_AUDIENCE}"`
          : `bearer token audience (aud) ${JSON.stringify(aud)} does not include "${settings.JWT_AUDIENCE}"`,
      );
    }
  }
}

/**
 * Verifies an `Authorization: Bearer <jwt>` header at `now` and returns its subject, the owner.
 * HS256 with JWT_SECRET, or RS256/ES256 against the keys at JWKS_URL; then the claims above.
 * Fails with AuthError saying what was wrong, or JwksUnavailableError when the keys cannot be had.
 */
export async function ownerFromAuthorization(header: string | undefined, settings: JwtSettings, now: Date = new Date()): Promise<OwnerId> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new AuthError('missing bearer token: send Authorization: Bearer <jwt>');
  const token = match[1];
  let tokenHeader: ReturnType<typeof decode>['header'];
  try {
    tokenHeader = decode(token).header;
  } catch {
    throw new AuthError('bearer token rejected: not a well-formed JWT');
  }
  const { alg, kid } = tokenHeader;
  let payload: Record<string, unknown>;
  if (alg === 'HS256' && settings.JWT_SECRET) {
    try {
      payload = await verify(token, settings.JWT_SECRET, { alg: 'HS256', ...NO_TIME_CHECKS });
    } catch (error) {
      throw new AuthError(`bearer token rejected: ${signatureProblem(error)}`);
    }
  } else if ((alg === 'RS256' || alg === 'ES256') && settings.JWKS_URL) {
    if (typeof kid !== 'string' || kid === '') {
      throw new AuthError('bearer token rejected: its header names no key (kid) to verify it with from JWKS_URL');
    }
    const keys = await jwksKeys(settings.JWKS_URL, kid, { nowMs: now.getTime(), timeoutSeconds: settings.JWKS_FETCH_TIMEOUT_SECONDS });
    if (!keys.some((key) => key.kid === kid)) {
      throw new AuthError(`bearer token rejected: JWKS_URL has no key with kid "${kid}"`);
    }
    try {
      payload = await verifyWithJwks(token, { keys, allowedAlgorithms: ['RS256', 'ES256'], verification: NO_TIME_CHECKS });
    } catch (error) {
      throw new AuthError(`bearer token rejected: ${signatureProblem(error)}`);
    }
  } else {
    throw new AuthError(`bearer token rejected: algorithm ${String(alg)} is not accepted here`);
  }
  checkClaims(payload, settings, Math.floor(now.getTime() / 1000));
  const subject = payload['sub'];
  if (typeof subject !== 'string') throw new AuthError('bearer token has no usable subject (sub)');
  // The subject names the owner's folder in every key: one that could be read as another folder
  // (`.`, `..`, a `/`) or that a key cannot hold is refused, with the reason, never stored.
  const owner = OwnerId.safeParse(subject);
  if (!owner.success) {
    throw new AuthError(`bearer token subject (sub) cannot be an owner id: ${owner.error.issues[0]?.message ?? 'not allowed'}`);
  }
  return owner.data;
}
