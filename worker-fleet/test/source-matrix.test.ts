import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFully, makeTestClip, probeStreams, type ClipOptions } from '../../tests/support/clips.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;

beforeAll(async () => {
  fx = await startTranscodeFixture([1080, 720, 480, 360]);
});

afterAll(async () => {
  await fx?.stop();
});

describe('every kind of source ends ready with the right rungs, all decodable', () => {
  it.each<[string, ClipOptions, string[], boolean]>([
    ['landscape 1080p', { width: 1920, height: 1080, seconds: 2 }, ['640x360', '854x480', '1280x720', '1920x1080'], true],
    ['portrait 720x1280', { width: 720, height: 1280, seconds: 2 }, ['360x640', '480x854', '720x1280'], true],
    ['odd 853x479', { width: 853, height: 479, seconds: 2 }, ['642x360'], true],
    ['no audio', { width: 640, height: 360, seconds: 2, audio: false }, ['640x360'], false],
    ['rotated 90°', { width: 640, height: 360, seconds: 2, rotate: 90 }, ['360x640'], true],
    ['variable frame rate', { width: 640, height: 360, seconds: 3, variableFrameRate: true }, ['640x360'], true],
  ])('%s', async (name, clip, sizes, hasAudio) => {
    const path = join(fx.dir, `${name.replace(/\W+/g, '-')}.mp4`);
    await makeTestClip(path, clip);
    const job = await fx.jobFor(`${name}.mp4`, await readFile(path));
    expect(await runTranscodeJob(job, fx.deps)).toBe('ready');
    const done = await fx.status(job.videoId);
    expect(done.state).toBe('ready');
    expect(done.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(sizes);
    for (const rendition of done.renditions) {
      const url = await fx.downloadRenditions(job.videoId, rendition.playlist);
      await decodeFully(url);
      const streams = await probeStreams(url);
      const video = streams.find((s) => s.codec_type === 'video')!;
      expect(`${video.width}x${video.height}`).toBe(`${rendition.width}x${rendition.height}`);
      expect(video.pix_fmt).toBe('yuv420p');
      // Sound is one audio group every rung refers to, never muxed into the rungs.
      expect(streams.map((s) => s.codec_type)).toEqual(['video']);
      expect(rendition.codecs.includes('mp4a')).toBe(hasAudio);
      // Constant frame rate out, whatever came in.
      expect(video.r_frame_rate).toBe(video.avg_frame_rate);
    }
    const audio = await fx.downloadAudio(job.videoId);
    expect(audio !== null).toBe(hasAudio);
    if (audio) {
      await decodeFully(audio);
      expect((await probeStreams(audio)).map((s) => s.codec_type)).toEqual(['audio']);
    }
  });
});

describe('files that are not usable video end failed, with a reason', () => {
  it('a truncated MP4', async () => {
    const path = join(fx.dir, 'whole.mp4');
    await makeTestClip(path, { seconds: 2 });
    const bytes = await readFile(path);
    await writeFile(join(fx.dir, 'cut.mp4'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const job = await fx.jobFor('cut.mp4', await readFile(join(fx.dir, 'cut.mp4')));
    expect(await runTranscodeJob(job, fx.deps)).toBe('failed');
    const done = await fx.status(job.videoId);
    expect(done.state === 'failed' && done.error).toMatch(/^not a readable media file|no duration|no video stream/);
  });

  it('an empty file', async () => {
    const job = await fx.jobFor('empty.mp4', new Uint8Array(0));
    expect(await runTranscodeJob(job, fx.deps)).toBe('failed');
  });
});
