import { TRPCError } from '@trpc/server';
import { CreateUploadInput, CreateUploadOutput, contentTypeAllowed, newVideoId, planParts, sourceKey } from '@hoist/shared';
import { signUploadToken } from '../auth/upload-token.js';
import { authedProcedure } from '../trpc.js';

/**
 * Starts an upload under the caller's prefix and hands back a token that binds it. A file
 * that fits in one part is not sent as a multipart upload: its one part is signed as a PutObject.
 */
export const createUpload = authedProcedure
  .input(CreateUploadInput)
  .output(CreateUploadOutput)
  .mutation(async ({ ctx, input }) => {
    if (!contentTypeAllowed(input.contentType, ctx.config.ALLOWED_CONTENT_TYPES)) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `contentType ${input.contentType} is not accepted; allowed: ${ctx.config.ALLOWED_CONTENT_TYPES.join(', ')}`,
      });
    }
    if (input.size > ctx.config.MAX_UPLOAD_BYTES) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `size ${input.size} is above this service's limit of ${ctx.config.MAX_UPLOAD_BYTES} bytes`,
      });
    }
    const videoId = newVideoId();
    const key = sourceKey(ctx.owner, videoId, input.fileName);
    const plan = planParts(input.size);
    const mode = plan.partCount === 1 ? 'single' : 'multipart';
    // A single PUT opens one too, though it never gets a part: while it is open the upload is,
    // and complete or abort ends it, so an ended upload's token signs nothing (upload-state.ts).
    const uploadId = await ctx.bucket.createMultipartUpload(key, input.contentType, mode === 'multipart' ? input.checksum : undefined);
    const exp = Math.floor(ctx.now().getTime() / 1000) + ctx.config.UPLOAD_TTL_SECONDS;
    const uploadToken = await signUploadToken(
      {
        v: 1,
        videoId,
        key,
        mode,
        uploadId,
        contentType: input.contentType,
        ...(input.checksum ? { checksum: input.checksum } : {}),
        owner: ctx.owner,
        size: input.size,
        ...plan,
        exp,
      },
      ctx.config.UPLOAD_TOKEN_SECRET,
    );
    return { videoId, uploadToken, mode, ...plan, expiresAt: new Date(exp * 1000).toISOString() };
  });
