import { TRPCError } from '@trpc/server';
import { S3RequestError } from '../s3/s3-error.js';
import { UploadTokenError, verifyUploadToken, type UploadClaims } from '../auth/upload-token.js';
import type { EdgeContext } from '../trpc.js';

/** S3 error codes that mean the caller sent something wrong (a part's ETag, size or checksum). */
const CLIENT_FAULTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'EntityTooLarge', 'BadDigest', 'InvalidRequest']);

/** Maps an S3 failure onto the closed set of tRPC codes, keeping S3's code and message only. */
export function toTrpcError(error: unknown): unknown {
  if (!(error instanceof S3RequestError)) return error;
  if (error.code === 'MethodNotAllowed' || error.code === 'NotImplemented') {
    return new TRPCError({
      code: 'NOT_IMPLEMENTED',
      message: `this S3 endpoint does not implement ${error.operation} (${error.code})`,
    });
  }
  const code =
    error.code === 'NoSuchUpload' || error.code === 'NoSuchKey'
      ? 'NOT_FOUND'
      : CLIENT_FAULTS.has(error.code)
        ? 'BAD_REQUEST'
        : 'INTERNAL_SERVER_ERROR';
  return new TRPCError({ code, message: error.message });
}

/** Verifies an upload token and that it belongs to the caller. */
export async function claimsFor(ctx: EdgeContext & { owner: string }, token: string): Promise<UploadClaims> {
  let claims: UploadClaims;
  try {
    claims = await verifyUploadToken(token, ctx.config.UPLOAD_TOKEN_SECRET, Math.floor(ctx.now().getTime() / 1000));
  } catch (error) {
    if (error instanceof UploadTokenError) {
      throw new TRPCError({ code: error.problem === 'expired' ? 'UNAUTHORIZED' : 'BAD_REQUEST', message: error.message });
    }
    throw error;
  }
  if (claims.owner !== ctx.owner) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'this upload belongs to another owner' });
  }
  return claims;
}
