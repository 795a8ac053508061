import { TRPCError } from '@trpc/server';
import { SignPartsInput, SignPartsOutput } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor } from './upload-errors.js';

/** `YYYYMMDDTHHMMSSZ`, the form SigV4 signs with. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** Presigns UploadPart URLs for a batch of the upload's parts, each valid for a short time. */
export const signParts = authedProcedure
  .input(SignPartsInput)
  .output(SignPartsOutput)
  .mutation(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    const outside = input.partNumbers.filter((n) => n > claims.partCount);
    if (outside.length > 0) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `part ${outside[0]} is outside this upload's parts 1..${claims.partCount}`,
      });
    }
    const now = ctx.now();
    // A part URL never outlives the upload token that allowed it.
    const tokenLeft = claims.exp - Math.floor(now.getTime() / 1000);
    const expiresIn = Math.max(1, Math.min(ctx.config.PART_URL_EXPIRY_SECONDS, tokenLeft));
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + expiresIn * 1000).toISOString();
    const datetime = amzDate(now);
    const unique = [...new Set(input.partNumbers)];
    const parts = await Promise.all(
      unique.map(async (partNumber) => ({
        partNumber,
        url: await ctx.bucket.presignUploadPart(claims.key, claims.uploadId, partNumber, expiresIn, datetime),
        expiresAt,
      })),
    );
    return { parts };
  });
