import { outputKeys, renditionsPrefix } from '@hoist/shared';
import { encodeKeyPath } from '../s3/s3-bucket.js';
import type { EdgeContext } from '../trpc.js';
import { amzDate } from '../uploads/sign-parts.js';
import { playbackSignature } from '../playback/playback-signature.js';

export interface PlaybackUrls {
  master: string;
  rendition(playlist: string): string;
  poster(): Promise<string>;
}

/**
 * Where a player fetches a video: under PUBLIC_BASE_URL when a CDN serves the renditions,
 * else through the edge's signed playback route, which hands out presigned S3 URLs.
 */
export async function playbackUrls(ctx: EdgeContext, videoId: string): Promise<PlaybackUrls> {
  const base = ctx.config.PUBLIC_BASE_URL?.replace(/\/+$/, '');
  if (base) {
    const publicUrl = (key: string) => `${base}/${encodeKeyPath(key)}`;
    return {
      master: publicUrl(outputKeys.master(videoId)),
      rendition: (playlist) => publicUrl(renditionsPrefix(videoId) + playlist),
      poster: async () => publicUrl(outputKeys.poster(videoId)),
    };
  }
  const now = Math.floor(ctx.now().getTime() / 1000);
  const exp = now + ctx.config.PLAYBACK_URL_EXPIRY_SECONDS;
  const signature = await playbackSignature(ctx.config.UPLOAD_TOKEN_SECRET, videoId, exp);
  const root = `${ctx.origin}/play/${videoId}/${exp}/${signature}/`;
  return {
    master: `${root}master.m3u8`,
    rendition: (playlist) => `${root}${playlist}`,
    poster: () =>
      ctx.presigner.presign({
        method: 'GET',
        key: outputKeys.poster(videoId),
        query: { 'x-id': 'GetObject' },
        headers: {},
        expiresInSeconds: Math.min(ctx.config.PLAYBACK_URL_EXPIRY_SECONDS, 7 * 24 * 3600),
        datetime: amzDate(new Date(now * 1000)),
      }),
  };
}
