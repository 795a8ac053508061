import { TRPCError } from '@trpc/server';
import {
  UPLOADS_PREFIX,
  VideoStatusDocument,
  VideoStatusInput,
  VideoStatusOutput,
  outputKeys,
  renditionsPrefix,
} from '@hoist/shared';
import { authedProcedure, router } from '../trpc.js';
import { toTrpcError } from '../uploads/upload-errors.js';
import { encodeKeyPath } from '../s3/s3-bucket.js';

/**
 * Reports a video's processing from the fleet's `status.json`. Before the fleet has written
 * one, a stored source means `queued`. Another owner's video reads as not found, so ids leak nothing.
 */
export const videoStatus = authedProcedure
  .input(VideoStatusInput)
  .output(VideoStatusOutput)
  .query(async ({ ctx, input }) => {
    const { videoId } = input;
    const raw = await ctx.bucket.getJson(outputKeys.status(videoId)).catch((error: unknown) => {
      throw toTrpcError(error);
    });
    if (raw === null) {
      const stored = await ctx.bucket.hasObjectUnder(`${UPLOADS_PREFIX}${ctx.owner}/${videoId}/`);
      if (!stored) throw new TRPCError({ code: 'NOT_FOUND', message: `no finished upload with videoId ${videoId}` });
      return { videoId, state: 'queued' as const, progress: 0, renditions: [] };
    }
    const parsed = VideoStatusDocument.safeParse(raw);
    if (!parsed.success) {
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `status document of ${videoId} is unreadable` });
    }
    const doc = parsed.data;
    if (doc.owner !== ctx.owner) throw new TRPCError({ code: 'NOT_FOUND', message: `no finished upload with videoId ${videoId}` });

    const base = ctx.config.PUBLIC_BASE_URL?.replace(/\/+$/, '');
    const publicUrl = (key: string) => (base ? `${base}/${encodeKeyPath(key)}` : undefined);
    const prefix = renditionsPrefix(videoId);
    const hasPlayable = doc.renditions.length > 0;
    return {
      videoId,
      state: doc.state,
      progress: doc.progress,
      ...(doc.state === 'failed' ? { error: doc.error } : {}),
      ...(doc.state === 'ready' ? { durationSeconds: doc.durationSeconds } : {}),
      ...(hasPlayable && base ? { masterUrl: publicUrl(outputKeys.master(videoId)) } : {}),
      ...(doc.state === 'ready' && base ? { posterUrl: publicUrl(outputKeys.poster(videoId)) } : {}),
      renditions: base
        ? doc.renditions.map((r) => ({
            height: r.height,
            width: r.width,
            bandwidth: r.bandwidth,
            url: `${base}/${encodeKeyPath(prefix + r.playlist)}`,
          }))
        : [],
    };
  });

export const videosRouter = router({ status: videoStatus });
