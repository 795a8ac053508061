import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { AwsClient } from 'aws4fetch';
import { newVideoId, renditionsPrefix } from '@hoist/shared';
import { playbackSignature } from '../src/playback/playback-signature.js';
import { PlaylistEntryError, rewritePlaylistUris } from '../src/playback/playlist-uris.js';
import { bucket, config } from './support.js';

const aws = new AwsClient({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', service: 's3', region: 'us-east-1' });
const put = async (key: string, body: string | Uint8Array<ArrayBuffer>) => {
  const response = await aws.fetch(bucket.objectUrl(key).toString(), { method: 'PUT', body });
  expect(response.status).toBe(200);
};

/** A fresh video's playback root, `http://edge.test/play/<id>/<exp>/<sig>/`. */
async function playbackRoot(videoId: string): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + 600;
  return `http://edge.test/play/${videoId}/${exp}/${await playbackSignature(config.UPLOAD_TOKEN_SECRET, videoId, exp)}/`;
}

const PRESIGNED = /^http:\/\/127\.0\.0\.1:\d+\/hoist-test\/renditions\/[0-9a-z]{26}\/[\w/.-]+\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=[0-9a-f]{64}(?:&|$)/;

describe('rewritePlaylistUris', () => {
  it('rewrites URI lines and URI attributes, nothing else', async () => {
    const playlist = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="a,URI=x",URI="audio/index.m3u8",DEFAULT=YES',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aac"',
      '360p/index.m3u8\r',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="360p/iframes.m3u8"',
      '# a comment naming URI="not-a-uri"',
      '#EXTINF:4.0,URI="title text"',
      '',
    ].join('\n');
    const seen: string[] = [];
    const out = await rewritePlaylistUris(playlist, (uri) => {
      seen.push(uri);
      return `<${uri}>`;
    });
    expect(seen).toEqual(['audio/index.m3u8', '360p/index.m3u8', '360p/iframes.m3u8']);
    expect(out.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="a,URI=x",URI="<audio/index.m3u8>",DEFAULT=YES',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aac"',
      '<360p/index.m3u8>\r',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="<360p/iframes.m3u8>"',
      '# a comment naming URI="not-a-uri"',
      '#EXTINF:4.0,URI="title text"',
      '',
    ]);
  });

  it('fails when the rewrite refuses a URI', async () => {
    await expect(
      rewritePlaylistUris('#EXTM3U\n#EXT-X-MAP:URI="../secret.mp4"\n', () => {
        throw new PlaylistEntryError('no');
      }),
    ).rejects.toThrow(PlaylistEntryError);
  });
});

describe('the /play route signs every URI a playlist holds', () => {
  it('fMP4 with an init section and an audio group: master -> media playlists -> init and segments, all presigned', async () => {
    const videoId = newVideoId();
    const prefix = renditionsPrefix(videoId);
    await put(`${prefix}master.m3u8`, [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",DEFAULT=YES,URI="audio/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aac"',
      '360p/index.m3u8',
      '',
    ].join('\n'));
    for (const dir of ['360p', 'audio']) {
      await put(`${prefix}${dir}/index.m3u8`, [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:4.0,',
        'segment_00000.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'));
      await put(`${prefix}${dir}/init.mp4`, `${dir} init`);
      await put(`${prefix}${dir}/segment_00000.m4s`, `${dir} segment`);
    }
    const root = await playbackRoot(videoId);

    const master = await exports.default.fetch(`${root}master.m3u8`);
    expect(master.status).toBe(200);
    const masterText = await master.text();
    // Relative, so they resolve under the signed path and come back here.
    expect(masterText).toContain('URI="audio/index.m3u8"');
    expect(masterText).toContain('\n360p/index.m3u8\n');

    for (const dir of ['360p', 'audio']) {
      const media = await exports.default.fetch(new URL(`${dir}/index.m3u8`, `${root}master.m3u8`).href);
      expect(media.status).toBe(200);
      const text = await media.text();
      const initUrl = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
      const segmentUrl = text.split('\n').find((line) => line !== '' && !line.startsWith('#'));
      expect(initUrl).toMatch(PRESIGNED);
      expect(segmentUrl).toMatch(PRESIGNED);
      expect(initUrl).toContain(`/${prefix}${dir}/init.mp4?`);
      expect(await (await fetch(initUrl!)).text()).toBe(`${dir} init`);
      expect(await (await fetch(segmentUrl!)).text()).toBe(`${dir} segment`);
    }
  });

  it('refuses to serve a playlist that names something outside the video’s renditions', async () => {
    const videoId = newVideoId();
    const prefix = renditionsPrefix(videoId);
    await put(`${prefix}master.m3u8`, '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://elsewhere.example/x.m3u8\n');
    await put(`${prefix}360p/index.m3u8`, '#EXTM3U\n#EXT-X-MAP:URI="../../other/init.mp4"\n#EXTINF:4.0,\nsegment_00000.ts\n');
    const root = await playbackRoot(videoId);
    expect((await exports.default.fetch(`${root}master.m3u8`)).status).toBe(500);
    expect((await exports.default.fetch(`${root}360p/index.m3u8`)).status).toBe(500);
  });
});
