import { TRPCError } from '@trpc/server';
import { CompleteUploadInput, CompleteUploadOutput, type CompletedPart } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor } from './upload-claims.js';
import { endSingleUploadRecord, uploadEnded } from './upload-state.js';

/** Explains what is wrong with a part list, or returns `null` when it is every part once, in order. */
export function partListProblem(parts: readonly CompletedPart[], partCount: number): string | null {
  if (parts.length !== partCount) {
    const seen = new Set(parts.map((p) => p.partNumber));
    const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !seen.has(n));
    if (missing.length > 0) return `expected ${partCount} parts; missing part ${missing.slice(0, 5).join(', ')}`;
  }
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.partNumber !== i + 1) {
      const earlier = parts.slice(0, i).some((p) => p.partNumber === part.partNumber);
      return earlier ? `part ${part.partNumber} is listed twice` : `parts must be in order: position ${i + 1} has part ${part.partNumber}`;
    }
  }
  return null;
}

/**
 * Completes the upload once the part list is whole, then checks S3 stored exactly the
 * declared size; on a mismatch the object is deleted so nothing partial looks finished.
 */
export const completeUpload = authedProcedure
  .input(CompleteUploadInput)
  .output(CompleteUploadOutput)
  .mutation(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    const problem = partListProblem(input.parts, claims.partCount);
    if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem });
    if (claims.checksum && input.parts.some((part) => !part.checksum)) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `every part needs its ${claims.checksum} checksum: the upload was created with one` });
    }
    // A single PUT is already an object; completing it means confirming what S3 stored.
    const etag =
      claims.mode === 'single'
        ? ''
        : await ctx.bucket.completeMultipartUpload(claims.key, claims.uploadId, input.parts, claims.checksum);
    const stored = await ctx.bucket.headObject(claims.key);
    if (!stored && claims.mode === 'single') {
      if ((await uploadEnded(ctx, claims)) === 'aborted') {
        throw new TRPCError({ code: 'NOT_FOUND', message: 'this upload was aborted: there is nothing to complete' });
      }
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'nothing was stored: PUT the file to its signed URL first' });
    }
    if (!stored || stored.size !== claims.size) {
      await ctx.bucket.deleteObject(claims.key);
      if (claims.mode === 'single') await endSingleUploadRecord(ctx, claims);
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `stored size ${stored?.size ?? 0} differs from the declared ${claims.size} bytes; the object was deleted`,
      });
    }
    // The upload has ended: its token signs no more PUTs that would store the file again. A
    // complete repeated (its answer lost) finds the record ended and answers the same.
    if (claims.mode === 'single') await endSingleUploadRecord(ctx, claims);
    return { videoId: claims.videoId, size: stored.size, etag: etag || stored.etag };
  });
