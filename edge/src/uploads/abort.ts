import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { AbortUploadInput } from '@hoist/shared';
import { S3RequestError } from '../s3/s3-error.js';
import { authedProcedure } from '../trpc.js';
import { claimsFor } from './upload-claims.js';
import { endSingleUploadRecord, uploadEnded, type UploadEnd } from './upload-state.js';

const alreadyEnded = (ended: UploadEnd) =>
  new TRPCError({
    code: 'NOT_FOUND',
    // S3's own code stays in the message, as callers matched it before the edge said more.
    message: ended === 'completed' ? 'this upload was completed: abort cannot undo that' : 'this upload was already aborted: S3 no longer has it (NoSuchUpload)',
  });

/**
 * Aborts the upload: S3 drops every part already stored, or a single PUT's file, if it was
 * stored, is deleted; then the token signs nothing more. An upload already completed is not
 * undone: its source may be processing already.
 */
export const abortUpload = authedProcedure
  .input(AbortUploadInput)
  .output(z.object({ aborted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    if (claims.mode === 'single') {
      const ended = await uploadEnded(ctx, claims);
      if (ended) throw alreadyEnded(ended);
      // The file first, the record last: an abort that fails halfway finds the upload still
      // open when it is asked again, not taken for a completed one.
      await ctx.bucket.deleteObject(claims.key);
      await endSingleUploadRecord(ctx, claims);
      return { aborted: true as const };
    }
    try {
      await ctx.bucket.abortMultipartUpload(claims.key, claims.uploadId);
    } catch (error) {
      if (error instanceof S3RequestError && error.code === 'NoSuchUpload') {
        throw alreadyEnded((await ctx.bucket.headObject(claims.key)) ? 'completed' : 'aborted');
      }
      throw error;
    }
    return { aborted: true as const };
  });
