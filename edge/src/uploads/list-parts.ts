import { ListPartsInput, ListPartsOutput } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor, toTrpcError } from './upload-errors.js';

/**
 * What S3 already holds of an upload (ETag, size and checksum of each part), so a resumed upload
 * sends only the rest and can complete without any record of its own.
 */
export const listParts = authedProcedure
  .input(ListPartsInput)
  .output(ListPartsOutput)
  .query(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    try {
      if (claims.mode === 'single') {
        const stored = await ctx.bucket.headObject(claims.key);
        return { parts: stored ? [{ partNumber: 1, etag: stored.etag, size: stored.size }] : [] };
      }
      return { parts: await ctx.bucket.listParts(claims.key, claims.uploadId) };
    } catch (error) {
      throw toTrpcError(error);
    }
  });
