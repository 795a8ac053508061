import { TRPCError } from '@trpc/server';
import { ListPartsInput, ListPartsOutput } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor } from './upload-claims.js';
import { uploadEnded } from './upload-state.js';

/**
 * What S3 already holds of an upload (ETag, size and checksum of each part), so a resumed upload
 * sends only the rest and can complete without any record of its own.
 */
export const listParts = authedProcedure
  .input(ListPartsInput)
  .output(ListPartsOutput)
  .query(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    if (claims.mode === 'single') {
      const stored = await ctx.bucket.headObject(claims.key);
      if (stored) return { parts: [{ partNumber: 1, etag: stored.etag, size: stored.size }] };
      // As an aborted multipart upload answers NoSuchUpload, so that a resume starts afresh
      // instead of asking for URLs that will not be signed.
      if ((await uploadEnded(ctx, claims)) === 'aborted') {
        throw new TRPCError({ code: 'NOT_FOUND', message: 'this upload was aborted: S3 holds nothing of it' });
      }
      return { parts: [] };
    }
    return { parts: await ctx.bucket.listParts(claims.key, claims.uploadId) };
  });
