import { verifyUploadToken, type UploadClaims } from '../auth/upload-token.js';
import { NotYourUploadError } from '../errors.js';
import type { EdgeContext } from '../trpc.js';

/** Verifies an upload token and that it belongs to the caller. */
export async function claimsFor(ctx: EdgeContext & { owner: string }, token: string): Promise<UploadClaims> {
  const claims = await verifyUploadToken(token, ctx.config.UPLOAD_TOKEN_SECRET, Math.floor(ctx.now().getTime() / 1000));
  if (claims.owner !== ctx.owner) throw new NotYourUploadError();
  return claims;
}
