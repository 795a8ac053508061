import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renditionsPrefix, type TranscodeJob } from '@hoist/shared';
import { makeTestClip } from '../../tests/support/clips.js';
import { runTranscodeJob, type TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import { DEFAULT_MEDIA_LIMITS } from '../src/media/media-limits.js';
import {
  writeClipAtFrameRate,
  writeClipWithStreams,
  writeConcatScriptOf,
  writeMatroskaClaiming,
  writeMp4DeclaringFrame,
  writePlaylistPointingAt,
  writePngImage,
} from './hostile-files.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;
/** Another upload's source, sitting in the fleet's temp folder as it would mid-job. */
let secret: string;

beforeAll(async () => {
  fx = await startTranscodeFixture([360, 240]);
  await mkdir(join(fx.dir, 'hoist-othervideo'));
  secret = join(fx.dir, 'hoist-othervideo', 'source.mp4');
  await makeTestClip(secret, { width: 320, height: 240, seconds: 2 });
});

afterAll(async () => {
  await fx?.stop();
});

/** The keys a video has under renditions/, read with a signed ListObjectsV2 (the bucket is private). */
async function outputsOf(videoId: string): Promise<string[]> {
  const listing = await (await fx.fetchOutput(`?list-type=2&prefix=${encodeURIComponent(renditionsPrefix(videoId))}`)).text();
  return [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

/**
 * Uploads `bytes` as `name`, runs the job once, and checks what every refusal must be: `failed`
 * from this first attempt (the runner returns instead of throwing, so the message is deleted
 * and never retried), nothing written but the status document, and a reason free of worker paths.
 */
async function refused(name: string, bytes: Uint8Array, deps: TranscodeJobDeps = fx.deps): Promise<string> {
  const job: TranscodeJob = await fx.jobFor(name, bytes);
  expect(await runTranscodeJob(job, deps)).toBe('failed');
  const status = await fx.status(job.videoId);
  if (status.state !== 'failed') throw new Error(`expected failed, got ${status.state}`);
  // Nothing public is written for it; only its private status says why it failed.
  expect(await outputsOf(job.videoId)).toEqual([]);
  expect(status.error).not.toContain(fx.dir);
  expect(status.error).not.toMatch(/\/tmp\/|\/var\/|file:\//);
  return status.error;
}

describe('files that are not video are refused for what they are, whatever their name', () => {
  it('an HLS playlist named .mp4 that points at another upload on the worker: nothing of it is read', async () => {
    const playlist = join(fx.dir, 'playlist.mp4');
    await writePlaylistPointingAt(playlist, secret);
    expect(await refused('holiday.mp4', await readFile(playlist))).toBe('the file is an HLS playlist (text), not a video file');
  });

  it('the same playlist with a file: URL', async () => {
    const playlist = join(fx.dir, 'playlist-url.mp4');
    await writePlaylistPointingAt(playlist, `file://${secret}`);
    expect(await refused('holiday.mov', await readFile(playlist))).toBe('the file is an HLS playlist (text), not a video file');
  });

  it('an ffconcat script', async () => {
    const script = join(fx.dir, 'concat.mp4');
    await writeConcatScriptOf(script, secret);
    expect(await refused('clip.mp4', await readFile(script))).toBe('the file is an ffmpeg concat script (text), not a video file');
  });

  it('an image', async () => {
    const image = join(fx.dir, 'picture.png');
    await writePngImage(image);
    expect(await refused('picture.mp4', await readFile(image))).toBe('the file is a PNG image, not a video file');
  });
});

describe('video over a limit, or whose header lies, is refused before the ladder starts', () => {
  it('a tiny Matroska file claiming 10 hours', async () => {
    const path = join(fx.dir, 'ten-hours.mkv');
    await writeMatroskaClaiming(path, 36_000);
    const bytes = await readFile(path);
    expect(bytes.length).toBeLessThan(16 * 1024);
    expect(await refused('ten-hours.mkv', bytes)).toMatch(
      /^the file claims to last 10 h 0 min, but its packets end at 1 s, and the whole file is [\d.]+ KiB \([\d.]+ bytes a second, where real video takes at least 100\): that duration is not plausible$/,
    );
  });

  it('a frame of 16000×16000', async () => {
    const path = join(fx.dir, 'huge-frame.mp4');
    await writeMp4DeclaringFrame(path, 16000, 16000);
    expect(await refused('huge.mp4', await readFile(path))).toBe(
      'the frame is 16000×16000 (256 Mpx); the limit is 8192×8192 / 35.4 Mpx (7.2× the pixel limit)',
    );
  });

  it('too many streams', async () => {
    const path = join(fx.dir, 'streams.mkv');
    await writeClipWithStreams(path, 79);
    expect(await refused('streams.mkv', await readFile(path))).toBe('the file has 80 streams; the limit is 64 (16 over)');
  });

  it('too high a frame rate, measured from the packets', async () => {
    const path = join(fx.dir, 'fast.mp4');
    await writeClipAtFrameRate(path, 1000);
    expect(await refused('fast.mp4', await readFile(path))).toMatch(/^the frame rate is (99\d|1000) fps \(measured from its packets\); the limit is 240 fps$/);
  });

  it('a duration over the configured maximum', async () => {
    const path = join(fx.dir, 'three-seconds.mp4');
    await makeTestClip(path, { width: 320, height: 240, seconds: 3 });
    const deps = { ...fx.deps, mediaLimits: { ...DEFAULT_MEDIA_LIMITS, maxDurationSeconds: 2 } };
    expect(await refused('three-seconds.mp4', await readFile(path), deps)).toMatch(/^the video lasts 3 s; the limit is 2 s \(1 s over\)$/);
  });

  it('each limit is the configured one: the same clip passes a fleet whose limits allow it', async () => {
    const path = join(fx.dir, 'fast-allowed.mp4');
    await writeClipAtFrameRate(path, 300);
    const job = await fx.jobFor('fast.mp4', await readFile(path));
    const deps = { ...fx.deps, mediaLimits: { ...DEFAULT_MEDIA_LIMITS, maxFrameRate: 400 } };
    expect(await runTranscodeJob(job, deps)).toBe('ready');
  });
});
