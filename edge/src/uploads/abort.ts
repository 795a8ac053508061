import { z } from 'zod';
import { AbortUploadInput } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor, toTrpcError } from './upload-errors.js';

/** Aborts the multipart upload; S3 drops every part already stored. A single PUT has nothing to abort. */
export const abortUpload = authedProcedure
  .input(AbortUploadInput)
  .output(z.object({ aborted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    if (claims.mode === 'multipart') {
      await ctx.bucket.abortMultipartUpload(claims.key, claims.uploadId).catch((error: unknown) => {
        throw toTrpcError(error);
      });
    }
    return { aborted: true as const };
  });
