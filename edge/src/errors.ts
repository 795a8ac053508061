import { TRPCError } from '@trpc/server';
import { AuthError } from './auth/bearer.js';
import { JwksUnavailableError } from './auth/jwks.js';
import { UploadTokenError } from './auth/upload-token.js';
import { S3RequestError } from './s3/s3-error.js';

/** An upload token for an upload of another owner: the caller may not act on it. */
export class NotYourUploadError extends Error {
  override name = 'NotYourUploadError';
  constructor() {
    super('this upload belongs to another owner');
  }
}

/** S3 error codes that mean the caller sent something wrong (a part's ETag, size or checksum). */
const S3_CLIENT_FAULTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'EntityTooLarge', 'BadDigest', 'InvalidRequest']);

/**
 * The one place where the edge's domain errors become tRPC's closed set of codes (the tRPC
 * middleware in trpc.ts applies it to every procedure). A `TRPCError` a procedure threw itself
 * passes as it is; anything unknown stays an internal error, its message kept on the server.
 */
export function toTrpcError(error: unknown): TRPCError | undefined {
  if (error instanceof TRPCError) return error;
  if (error instanceof AuthError) return new TRPCError({ code: 'UNAUTHORIZED', message: error.message, cause: error });
  // The token may be fine: the identity provider's keys could not be had. A 503 lets clients
  // retry, where a 401 would send the user off for a new token that would fare no better.
  if (error instanceof JwksUnavailableError) {
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: `cannot verify the bearer token now: ${error.message}`, cause: error });
  }
  if (error instanceof UploadTokenError) {
    return new TRPCError({ code: error.problem === 'expired' ? 'UNAUTHORIZED' : 'BAD_REQUEST', message: error.message, cause: error });
  }
  if (error instanceof NotYourUploadError) return new TRPCError({ code: 'FORBIDDEN', message: error.message, cause: error });
  if (error instanceof S3RequestError) {
    // S3's code and message only: never the request, which holds signed URLs.
    if (error.code === 'MethodNotAllowed' || error.code === 'NotImplemented') {
      return new TRPCError({ code: 'NOT_IMPLEMENTED', message: `this S3 endpoint does not implement ${error.operation} (${error.code})` });
    }
    const code =
      error.code === 'NoSuchUpload' || error.code === 'NoSuchKey' ? 'NOT_FOUND' : S3_CLIENT_FAULTS.has(error.code) ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    return new TRPCError({ code, message: error.message });
  }
  return undefined;
}
