import { TRPCError } from '@trpc/server';
import { SignPartsInput, SignPartsOutput, partRange } from '@hoist/shared';
import { authedProcedure } from '../trpc.js';
import { claimsFor } from './upload-claims.js';
import { requireOpenUpload } from './upload-state.js';

/** `YYYYMMDDTHHMMSSZ`, the form SigV4 signs with. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Presigns a batch of the upload's parts, each valid for a short time. Every URL also signs
 * the part's exact length, and its checksum when the upload uses one, so S3 refuses a part
 * that is cut short, too long or corrupted.
 */
export const signParts = authedProcedure
  .input(SignPartsInput)
  .output(SignPartsOutput)
  .mutation(async ({ ctx, input }) => {
    const claims = await claimsFor(ctx, input.uploadToken);
    const seen = new Set<number>();
    for (const part of input.parts) {
      if (part.partNumber > claims.partCount) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `part ${part.partNumber} is outside this upload's parts 1..${claims.partCount}` });
      }
      if (seen.has(part.partNumber)) throw new TRPCError({ code: 'BAD_REQUEST', message: `part ${part.partNumber} is asked for twice` });
      seen.add(part.partNumber);
      if (claims.checksum && !part.checksum) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `part ${part.partNumber} needs its ${claims.checksum} checksum: the upload was created with one` });
      }
      if (!claims.checksum && part.checksum) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `part ${part.partNumber} has a checksum, but the upload was created without checksum` });
      }
    }
    // S3 would refuse parts of an ended multipart upload, but a single PUT's URL would store the
    // file again after complete (a second source event) or after abort: nothing is signed once
    // the upload has ended. URLs handed out before stay good until they expire, as any presigned URL.
    await requireOpenUpload(ctx, claims, 'its uploadToken signs no more parts');
    const now = ctx.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // A part URL never outlives the upload token that allowed it.
    const expiresIn = Math.max(1, Math.min(ctx.config.PART_URL_EXPIRY_SECONDS, claims.exp - nowSeconds));
    const expiresAt = new Date((nowSeconds + expiresIn) * 1000).toISOString();
    const datetime = amzDate(now);
    const checksumHeader = claims.checksum ? `x-amz-checksum-${claims.checksum}` : undefined;
    const parts = await Promise.all(
      input.parts.map(async ({ partNumber, checksum }) => {
        const { start, end } = partRange(claims, claims.size, partNumber);
        const headers: Record<string, string> = checksumHeader && checksum ? { [checksumHeader]: checksum } : {};
        const url = await ctx.presigner.presign({
          key: claims.key,
          query:
            claims.mode === 'single'
              ? { 'x-id': 'PutObject' }
              : { partNumber: String(partNumber), uploadId: claims.uploadId, 'x-id': 'UploadPart' },
          headers: { 'content-length': String(end - start), ...(claims.mode === 'single' ? { 'content-type': claims.contentType } : {}), ...headers },
          expiresInSeconds: expiresIn,
          datetime,
        });
        return {
          partNumber,
          url,
          headers: { ...(claims.mode === 'single' ? { 'content-type': claims.contentType } : {}), ...headers },
          expiresAt,
        };
      }),
    );
    return { parts };
  });
