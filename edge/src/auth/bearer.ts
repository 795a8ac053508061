import { verify } from 'hono/jwt';
import { OwnerId } from '@hoist/shared';

export class AuthError extends Error {
  override name = 'AuthError';
}

/**
 * Verifies an `Authorization: Bearer <jwt>` header (HS256) and returns its subject, the owner.
 * Expiry and not-before are checked; a token without a usable `sub` is refused.
 */
export async function ownerFromAuthorization(header: string | undefined, secret: string): Promise<OwnerId> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new AuthError('missing bearer token: send Authorization: Bearer <jwt>');
  let payload: Record<string, unknown>;
  try {
    payload = await verify(match[1], secret, 'HS256');
  } catch (error) {
    throw new AuthError(`bearer token rejected: ${error instanceof Error ? error.message : String(error)}`);
  }
  const owner = OwnerId.safeParse(payload['sub']);
  if (!owner.success) throw new AuthError('bearer token has no usable subject (sub)');
  return owner.data;
}
