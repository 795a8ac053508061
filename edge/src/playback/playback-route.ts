import { Hono } from 'hono';
import { VideoId, renditionsPrefix } from '@hoist/shared';
import type { EdgeBindings } from '../config.js';
import { edgeServices } from '../services.js';
import { amzDate } from '../uploads/sign-parts.js';
import { playbackSignature, sameSignature } from './playback-signature.js';

/** SigV4 presigned URLs live at most seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const PLAYLIST_PATH = /^(?:master\.m3u8|\d{1,4}p\/index\.m3u8)$/;
const SEGMENT_NAME = /^[\w.-]+\.(?:ts|m4s|mp4|aac)$/;

/**
 * Private-bucket playback without a CDN: `/play/<videoId>/<exp>/<sig>/<playlist>`. The
 * signature in the path covers the video and expiry, so the playlists' relative links to
 * each other keep working unchanged; segment lines are rewritten into presigned S3 GETs that
 * expire with the playback URL. Bytes of video never pass through the Worker.
 */
export const playbackRoute = new Hono<{ Bindings: EdgeBindings }>();

playbackRoute.get('/play/:videoId/:exp/:sig/*', async (c) => {
  const { config, bucket, presigner } = edgeServices(c.env);
  const { videoId, exp, sig } = c.req.param();
  const path = c.req.path.split('/').slice(5).join('/');
  const expiry = Number(exp);
  const now = Math.floor(Date.now() / 1000);
  if (!VideoId.safeParse(videoId).success || !PLAYLIST_PATH.test(path)) return c.text('not found', 404);
  if (!Number.isInteger(expiry) || expiry <= now) return c.text('this playback URL has expired: ask videos.status for a new one', 403);
  if (!sameSignature(sig, await playbackSignature(config.UPLOAD_TOKEN_SECRET, videoId, expiry))) {
    return c.text('playback signature does not match', 403);
  }

  const prefix = renditionsPrefix(videoId);
  const playlist = await bucket.getText(prefix + path);
  if (playlist === null) return c.text('not found', 404);

  let body = playlist;
  if (path !== 'master.m3u8') {
    const dir = path.slice(0, path.indexOf('/') + 1);
    const expiresInSeconds = Math.min(expiry - now, MAX_PRESIGN_SECONDS);
    const datetime = amzDate(new Date(now * 1000));
    const lines = await Promise.all(
      playlist.split('\n').map(async (line) => {
        if (line === '' || line.startsWith('#')) return line;
        if (!SEGMENT_NAME.test(line)) throw new Error(`unexpected playlist entry in ${prefix}${path}`);
        return presigner.presign({ method: 'GET', key: `${prefix}${dir}${line}`, query: { 'x-id': 'GetObject' }, headers: {}, expiresInSeconds, datetime });
      }),
    );
    body = lines.join('\n');
  }
  return c.body(body, 200, {
    'content-type': 'application/vnd.apple.mpegurl',
    'cache-control': 'private, max-age=10',
    'access-control-allow-origin': '*',
  });
});
