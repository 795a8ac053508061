import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { newVideoId, outputKeys, type VideoStatusDocument } from '@hoist/shared';
import { callerFor, config, storedObject } from './support.js';

const put = async (key: string, body: string | Uint8Array<ArrayBuffer>) => {
  const response = await storedObject(key, { method: 'PUT', body });
  expect(response.status).toBe(200);
};

/** Writes what the fleet writes for a ready video with one 360p rendition. */
async function publishReadyVideo(owner: string, poster = true): Promise<string> {
  const videoId = newVideoId();
  const status: VideoStatusDocument = {
    state: 'ready',
    videoId,
    owner,
    sourceKey: `uploads/${owner}/${videoId}/a.mp4`,
    sourceEtag: 'e',
    updatedAt: new Date().toISOString(),
    progress: 1,
    durationSeconds: 4,
    poster,
    renditions: [{ label: 360, width: 640, height: 360, bandwidth: 800_000, codecs: 'avc1.64001e,mp4a.40.2', playlist: '360p/index.m3u8' }],
  };
  await put(outputKeys.status(videoId), JSON.stringify(status));
  await put(outputKeys.master(videoId), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n');
  await put(outputKeys.rendition(videoId, 360, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nsegment_00000.ts\n#EXT-X-ENDLIST\n');
  await put(outputKeys.rendition(videoId, 360, 'segment_00000.ts'), new Uint8Array([0x47, 1, 2, 3]));
  return videoId;
}

describe('videos.status and playback from a private bucket', () => {
  it('hands out signed playback URLs whose playlists point at presigned segments', async () => {
    const videoId = await publishReadyVideo('alice');
    const status = await (await callerFor('alice')).videos.status({ videoId });
    expect(status).toMatchObject({ state: 'ready', progress: 1, durationSeconds: 4 });
    expect(status.masterUrl).toMatch(new RegExp(`^http://edge\\.test/play/${videoId}/\\d+/[\\w-]+/master\\.m3u8$`));
    expect(status.renditions).toEqual([expect.objectContaining({ label: 360, url: status.masterUrl!.replace('master.m3u8', '360p/index.m3u8') })]);

    const master = await exports.default.fetch(status.masterUrl!);
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(await master.text()).toContain('\n360p/index.m3u8\n');

    const mediaResponse = await exports.default.fetch(status.renditions[0]!.url);
    // Finished: the playlist never changes again within its URL's life.
    expect(mediaResponse.headers.get('cache-control')).toBe('private, max-age=300');
    const media = await mediaResponse.text();
    const segmentUrl = media.split('\n').find((line) => line.startsWith('http'))!;
    expect(segmentUrl).toContain(`/renditions/${videoId}/360p/segment_00000.ts?X-Amz-Algorithm=AWS4-HMAC-SHA256`);
    const segment = await fetch(segmentUrl);
    expect(segment.status).toBe(200);
    expect(new Uint8Array(await segment.arrayBuffer())).toEqual(new Uint8Array([0x47, 1, 2, 3]));
  });

  it('hands out playback URLs from `playable` on, and serves a growing playlist uncached', async () => {
    const videoId = newVideoId();
    const status: VideoStatusDocument = {
      state: 'playable',
      playableSeconds: 4,
      videoId,
      owner: 'alice',
      sourceKey: `uploads/alice/${videoId}/a.mp4`,
      sourceEtag: 'e',
      updatedAt: new Date().toISOString(),
      progress: 0.3,
      renditions: [{ label: 360, width: 640, height: 360, bandwidth: 800_000, codecs: 'avc1.64001e,mp4a.40.2', playlist: '360p/index.m3u8' }],
    };
    await put(outputKeys.status(videoId), JSON.stringify(status));
    await put(outputKeys.master(videoId), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n');
    await put(outputKeys.rendition(videoId, 360, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:4.0,\nsegment_00000.ts\n');
    const answer = await (await callerFor('alice')).videos.status({ videoId });
    expect(answer).toMatchObject({ state: 'playable', playableSeconds: 4, masterUrl: expect.any(String) });
    const media = await exports.default.fetch(answer.renditions[0]!.url);
    expect(media.status).toBe(200);
    // Still growing: a player must see each new version at its next reload.
    expect(media.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('refuses playback URLs that were altered or have expired', async () => {
    const videoId = await publishReadyVideo('alice');
    const { masterUrl } = await (await callerFor('alice')).videos.status({ videoId });
    const [, , , exp, sig] = new URL(masterUrl!).pathname.split('/');
    const other = newVideoId();
    expect((await exports.default.fetch(masterUrl!.replace(videoId, other))).status).toBe(403);
    expect((await exports.default.fetch(masterUrl!.replace(`/${exp}/`, `/${Number(exp) + 1}/`))).status).toBe(403);
    expect((await exports.default.fetch(masterUrl!.replace('master.m3u8', '../status.json'))).status).toBe(404);

    const past = await callerFor('alice', { now: () => new Date(Date.now() - 2 * config.PLAYBACK_URL_EXPIRY_SECONDS * 1000) });
    const expired = await exports.default.fetch((await past.videos.status({ videoId })).masterUrl!);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe('this playback URL has expired: ask videos.status for a new one');
    expect((await exports.default.fetch(masterUrl!.replace(`/${sig}/`, `/${sig!.slice(1)}A/`))).status).toBe(403);
  });

  it('builds plain URLs on PUBLIC_BASE_URL when a CDN serves the renditions', async () => {
    const videoId = await publishReadyVideo('alice');
    const caller = await callerFor('alice', { config: { PUBLIC_BASE_URL: 'https://cdn.example.test/' } });
    const status = await caller.videos.status({ videoId });
    expect(status.masterUrl).toBe(`https://cdn.example.test/renditions/${videoId}/master.m3u8`);
    expect(status.posterUrl).toBe(`https://cdn.example.test/renditions/${videoId}/poster.jpg`);
  });

  it('hands out no poster URL for a video that is ready without a poster', async () => {
    const videoId = await publishReadyVideo('alice', false);
    const status = await (await callerFor('alice')).videos.status({ videoId });
    expect(status).toMatchObject({ state: 'ready', masterUrl: expect.any(String) });
    expect(status.posterUrl).toBeUndefined();
  });

  it('reports a video that failed with its reason, and hides other owners’ videos', async () => {
    const videoId = newVideoId();
    const failed: VideoStatusDocument = {
      state: 'failed',
      error: 'not a readable media file: Invalid data found when processing input',
      videoId,
      owner: 'alice',
      sourceKey: `uploads/alice/${videoId}/a.mp4`,
      sourceEtag: 'e',
      updatedAt: new Date().toISOString(),
      progress: 0.05,
      renditions: [],
    };
    await put(outputKeys.status(videoId), JSON.stringify(failed));
    await expect((await callerFor('alice')).videos.status({ videoId })).resolves.toEqual({
      videoId,
      state: 'failed',
      progress: 0.05,
      error: 'not a readable media file: Invalid data found when processing input',
      renditions: [],
    });
    await expect((await callerFor('bob')).videos.status({ videoId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
