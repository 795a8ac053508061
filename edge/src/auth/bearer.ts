import { decode, verify, verifyWithJwks } from 'hono/jwt';
import { OwnerId } from '@hoist/shared';
import type { EdgeConfig } from '../config.js';

export class AuthError extends Error {
  override name = 'AuthError';
}

type JwtSettings = Pick<EdgeConfig, 'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;
type Jwk = Parameters<typeof verifyWithJwks>[1]['keys'] extends (infer K)[] | undefined ? K : never;

/** JWKS documents per URL, kept for five minutes so a key rotation is seen without a fetch per call. */
const JWKS_TTL_MS = 5 * 60 * 1000;
const jwksCache = new Map<string, { keys: Jwk[]; fetchedAt: number }>();

async function jwksKeys(url: string, now: number): Promise<Jwk[]> {
  const cached = jwksCache.get(url);
  if (cached && now - cached.fetchedAt < JWKS_TTL_MS) return cached.keys;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`JWKS_URL answered ${response.status}`);
  const body = (await response.json()) as { keys?: Jwk[] };
  if (!Array.isArray(body.keys)) throw new Error('JWKS_URL did not return a key set');
  jwksCache.set(url, { keys: body.keys, fetchedAt: now });
  return body.keys;
}

/**
 * Verifies an `Authorization: Bearer <jwt>` header and returns its subject, the owner. HS256
 * with JWT_SECRET, or RS256/ES256 against the keys at JWKS_URL; expiry, not-before, and the
 * issuer and audience when configured, are all checked.
 */
export async function ownerFromAuthorization(header: string | undefined, settings: JwtSettings): Promise<OwnerId> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new AuthError('missing bearer token: send Authorization: Bearer <jwt>');
  const token = match[1];
  const claims = {
    ...(settings.JWT_ISSUER ? { iss: settings.JWT_ISSUER } : {}),
    ...(settings.JWT_AUDIENCE ? { aud: settings.JWT_AUDIENCE } : {}),
  };
  let payload: Record<string, unknown>;
  try {
    const { alg } = decode(token).header;
    if (alg === 'HS256' && settings.JWT_SECRET) {
      payload = await verify(token, settings.JWT_SECRET, { alg: 'HS256', ...claims });
    } else if ((alg === 'RS256' || alg === 'ES256') && settings.JWKS_URL) {
      const keys = await jwksKeys(settings.JWKS_URL, Date.now());
      payload = await verifyWithJwks(token, { keys, allowedAlgorithms: ['RS256', 'ES256'], verification: claims });
    } else {
      throw new Error(`algorithm ${String(alg)} is not accepted here`);
    }
  } catch (error) {
    throw new AuthError(`bearer token rejected: ${error instanceof Error ? error.message : String(error)}`);
  }
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
