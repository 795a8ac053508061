import { TRPCError } from '@trpc/server';
import { UPLOADS_PREFIX, VideoStatusDocument, VideoStatusInput, VideoStatusOutput, outputKeys } from '@hoist/shared';
import { authedProcedure, router } from '../trpc.js';
import { playbackUrls } from './playback-urls.js';

/**
 * Reports a video's processing from the fleet's `status.json`. Before the fleet has written
 * one, a stored source means `queued`. Another owner's video reads as not found, so ids leak nothing.
 */
export const videoStatus = authedProcedure
  .input(VideoStatusInput)
  .output(VideoStatusOutput)
  .query(async ({ ctx, input }) => {
    const { videoId } = input;
    const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: `no finished upload with videoId ${videoId}` });
    const raw = await ctx.bucket.getJson(outputKeys.status(videoId));
    if (raw === null) {
      if (!(await ctx.bucket.hasObjectUnder(`${UPLOADS_PREFIX}${ctx.owner}/${videoId}/`))) throw notFound();
      return { videoId, state: 'queued' as const, progress: 0, renditions: [] };
    }
    const parsed = VideoStatusDocument.safeParse(raw);
    if (!parsed.success) {
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `status document of ${videoId} is unreadable` });
    }
    const doc = parsed.data;
    if (doc.owner !== ctx.owner) throw notFound();

    const urls = doc.renditions.length > 0 ? await playbackUrls(ctx, videoId) : undefined;
    return {
      videoId,
      state: doc.state,
      progress: doc.progress,
      ...(doc.state === 'failed' ? { error: doc.error } : {}),
      ...(doc.state === 'ready' ? { durationSeconds: doc.durationSeconds } : {}),
      ...(doc.state === 'playable' ? { playableSeconds: doc.playableSeconds } : {}),
      ...(urls ? { masterUrl: urls.master } : {}),
      ...(urls && doc.state === 'ready' && doc.poster ? { posterUrl: await urls.poster() } : {}),
      renditions: urls
        ? doc.renditions.map((r) => ({ label: r.label, height: r.height, width: r.width, bandwidth: r.bandwidth, url: urls.rendition(r.playlist) }))
        : [],
    };
  });

export const videosRouter = router({ status: videoStatus });
