import { Hono } from 'hono';
import { VideoId, renditionsPrefix } from '@hoist/shared';
import type { EdgeBindings } from '../config.js';
import { edgeServices } from '../services.js';
import { amzDate } from '../uploads/sign-parts.js';
import { playbackSignature, sameSignature } from './playback-signature.js';
import { PlaylistEntryError, rewritePlaylistUris } from './playlist-uris.js';

/** SigV4 presigned URLs live at most seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
/** The master, and the media playlists it names: one folder down (`360p/index.m3u8`, `audio/index.m3u8`). */
const PLAYLIST_PATH = /^(?:master\.m3u8|[\w-]{1,64}\/[\w-]{1,64}\.m3u8)$/;
/** What a media playlist may name beside it: segments and `EXT-X-MAP` initialisation sections. */
const SEGMENT_NAME = /^[\w-][\w.-]{0,127}\.(?:ts|m4s|mp4|m4a|aac|vtt)$/;

/**
 * Private-bucket playback without a CDN: `/play/<videoId>/<exp>/<sig>/<playlist>`. The
 * signature in the path covers the video and expiry, so the master's relative links to the
 * media playlists stay as they are and are served here too (each one is checked to be a
 * playlist this route serves); every URI in a media playlist (segments, `EXT-X-MAP`) becomes a
 * presigned S3 GET that expires with the playback URL. Bytes of video never pass through the
 * Worker. A playlist naming anything else fails the request rather than hand a player a URI
 * that cannot be read.
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

  let body: string;
  if (path === 'master.m3u8') {
    body = await rewritePlaylistUris(playlist, (uri) => {
      if (PLAYLIST_PATH.test(uri) && uri !== 'master.m3u8') return uri;
      throw new PlaylistEntryError(`unexpected entry ${JSON.stringify(uri)} in ${prefix}${path}`);
    });
  } else {
    const dir = path.slice(0, path.indexOf('/') + 1);
    const expiresInSeconds = Math.min(expiry - now, MAX_PRESIGN_SECONDS);
    const datetime = amzDate(new Date(now * 1000));
    body = await rewritePlaylistUris(playlist, (uri) => {
      if (!SEGMENT_NAME.test(uri)) throw new PlaylistEntryError(`unexpected entry ${JSON.stringify(uri)} in ${prefix}${path}`);
      return presigner.presign({ method: 'GET', key: `${prefix}${dir}${uri}`, query: { 'x-id': 'GetObject' }, headers: {}, expiresInSeconds, datetime });
    });
  }
  return c.body(body, 200, {
    'content-type': 'application/vnd.apple.mpegurl',
    'cache-control': playlistCacheControl(path, playlist),
    'access-control-allow-origin': '*',
  });
});

/**
 * A media playlist that is still growing (an EVENT playlist of a video being encoded, no
 * `EXT-X-ENDLIST` yet) must reach the player fresh at each reload, so nothing may keep it; a
 * finished one never changes again within its URL's life. The master is rewritten once, when
 * the video is finished (measured bandwidths), so it is kept briefly.
 */
export function playlistCacheControl(path: string, playlist: string): string {
  if (path === 'master.m3u8') return 'private, max-age=10';
  return /^#EXT-X-ENDLIST\s*$/m.test(playlist) ? 'private, max-age=300' : 'private, no-cache';
}
