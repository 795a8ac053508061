import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoManifest, outputKeys } from '@hoist/shared';
import { REPO_ROOT } from '../../dev/stack.js';
import { decodeFully, makeTestClip, probeStreams } from '../support/clips.js';
import { playlistUris } from '../support/playlists.js';
import { readStoredObject, startTestStack, storedSourceSha256, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  [stack, dir] = await Promise.all([
    startTestStack({ fleet: true, fleetEnv: { LADDER: '360,240', X264_PRESET: 'ultrafast', POOL_SIZE: '2' } }),
    mkdtemp(join(tmpdir(), 'hoist-e2e-')),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('one video end to end: hoist upload -> S3 -> event -> SQS -> fleet -> status', () => {
  it('uploads a generated clip with the CLI and ends with a playable master playlist', async () => {
    const clip = join(dir, 'test pattern.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 4 });

    // The real CLI, as a user runs it, against the edge in workerd.
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'client/bin/hoist.js'), 'upload', clip], {
      env: { ...process.env, HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token, HOIST_STATE_DIR: join(dir, 'state') },
      timeout: 240_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`hoist upload failed:\n${error.stdout}\n${error.stderr}\n--- stack ---\n${stack.lines.slice(-40).join('\n')}`);
    });
    const videoId = /uploaded .* as video ([0-9a-z]{26})/.exec(stdout)?.[1];
    const masterUrl = /^ready: (\S+)$/m.exec(stdout)?.[1];
    expect(videoId, stdout).toBeDefined();
    // The bucket is private: the CLI hands out the edge's signed playback URL.
    expect(masterUrl).toMatch(new RegExp(`^${stack.apiUrl}/play/${videoId}/\\d+/[\\w-]+/master\\.m3u8$`));

    // The stored source is exactly the bytes uploaded (read with a signed GET, as S3 requires),
    // and the CLI printed that file's SHA-256 (a clip this small is one part).
    const clipSha256 = createHash('sha256').update(await readFile(clip)).digest('hex');
    expect(await storedSourceSha256(stack, videoId!, 'test pattern.mp4')).toBe(clipSha256);
    expect(stdout).toContain(`\nsha256 of the file (S3 verified it): ${clipSha256}\n`);

    // The master playlist lists every rendition, and the audio group they share, by a relative
    // path under the signed /play URL; each media playlist names its segments by presigned S3
    // URLs only, and each one decodes.
    const master = await (await fetch(masterUrl!)).text();
    const variants = playlistUris(master);
    expect(variants.sort()).toEqual(['240p/index.m3u8', '360p/index.m3u8', 'audio/index.m3u8']);
    for (const variant of variants) {
      const url = new URL(variant, masterUrl).href;
      expect(url.startsWith(masterUrl!.replace('master.m3u8', ''))).toBe(true);
      const segments = playlistUris(await (await fetch(url)).text());
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments) {
        expect(segment).toMatch(new RegExp(`^${stack.bucketUrl}/renditions/${videoId}/${variant.split('/')[0]}/[\\w.-]+\\?X-Amz-Algorithm=AWS4-HMAC-SHA256&`));
        expect(new URL(segment).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      }
      await decodeFully(url);
      const streams = await probeStreams(url);
      if (variant.startsWith('audio/')) expect(streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['audio', 'aac']]);
      else expect(streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', 'h264']]);
    }
    // ffprobe reads the master playlist itself over HTTP, as a player would: every rung and the audio.
    const streams = await probeStreams(masterUrl!);
    expect(streams.filter((s) => s.codec_type === 'video').map((s) => s.height).sort()).toEqual([240, 360]);
    expect(streams.some((s) => s.codec_type === 'audio')).toBe(true);

    const manifest = VideoManifest.parse(JSON.parse(new TextDecoder().decode(await readStoredObject(stack, outputKeys.manifest(videoId!)))));
    expect(manifest.source.size).toBe((await readFile(clip)).length);
  });
});
