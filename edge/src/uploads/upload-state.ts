import { TRPCError } from '@trpc/server';
import { S3RequestError } from '../s3/s3-error.js';
import type { UploadClaims } from '../auth/upload-token.js';
import type { EdgeContext } from '../trpc.js';

export type UploadEnd = 'completed' | 'aborted';

/**
 * How the upload ended, or `null` while it is open. The edge has no store of its own, and an
 * upload token stays valid until it expires, so S3 keeps the one piece of state a token cannot
 * carry: every upload has a multipart upload open while it lasts (a single PUT's gets no parts;
 * it is only the record), and it is gone once the upload completes or is aborted. An ended
 * upload whose object S3 holds was completed.
 */
export async function uploadEnded(ctx: EdgeContext, claims: UploadClaims): Promise<UploadEnd | null> {
  // Single-PUT tokens from before uploads kept a record carry no upload id: nothing to go by.
  if (claims.uploadId === '') return null;
  if (await ctx.bucket.multipartUploadIsOpen(claims.key, claims.uploadId)) return null;
  return (await ctx.bucket.headObject(claims.key)) ? 'completed' : 'aborted';
}

/** Refuses to go on with an upload that has ended, saying how it ended. */
export async function requireOpenUpload(ctx: EdgeContext, claims: UploadClaims, refused: string): Promise<void> {
  const ended = await uploadEnded(ctx, claims);
  if (ended) throw new TRPCError({ code: 'NOT_FOUND', message: `this upload was ${ended}: ${refused}` });
}

/** Ends a single PUT's record once the upload is complete; already ended is as good. */
export async function endSingleUploadRecord(ctx: EdgeContext, claims: UploadClaims): Promise<void> {
  if (claims.uploadId === '') return;
  await ctx.bucket.abortMultipartUpload(claims.key, claims.uploadId).catch((error: unknown) => {
    if (error instanceof S3RequestError && error.code === 'NoSuchUpload') return;
    throw error;
  });
}
