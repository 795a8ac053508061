import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEC_CONTAINER, makeCodecClip, type SourceCodec } from '../../tests/support/codec-clips.js';
import { decodeFully, probeStreams } from '../../tests/support/clips.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;

beforeAll(async () => {
  fx = await startTranscodeFixture([180]);
});

afterAll(async () => {
  await fx?.stop();
});

/**
 * Every video codec users upload in practice comes out as a playable H.264 ladder. Each clip is
 * one second of 320×180 (AV1 160×90) with a tone, made by the test; the matrix takes about half
 * a minute on two idle cores.
 */
describe('every source codec makes a playable ladder', () => {
  it.each<[string, SourceCodec, string]>([
    ['HEVC 8-bit (MP4)', 'hevc', '320x180'],
    ['HEVC 10-bit (MP4)', 'hevc-10bit', '320x180'],
    ['H.264 10-bit, High 10 (MP4)', 'h264-10bit', '320x180'],
    // Smaller frames: libaom, even at its fastest, encodes this slowest by far.
    ['AV1 (Matroska)', 'av1', '160x90'],
    ['VP9 (WebM)', 'vp9', '320x180'],
    ['ProRes 422, 10-bit 4:2:2 (MOV)', 'prores', '320x180'],
    ['MPEG-2 (MPEG-TS)', 'mpeg2', '320x180'],
    ['phone: HEVC, variable frame rate, rotated 90° (MOV)', 'phone-hevc-vfr-rotated', '180x320'],
  ])('%s', async (name, codec, size) => {
    const path = join(fx.dir, `${codec}.${CODEC_CONTAINER[codec]}`);
    const [width, height] = (codec.startsWith('phone') ? [320, 180] : size.split('x').map(Number)) as [number, number];
    await makeCodecClip(path, codec, { width, height });
    // Stored under a name that says nothing: the container is told from the bytes.
    const job = await fx.jobFor('upload', await readFile(path));
    expect(await runTranscodeJob(job, fx.deps)).toBe('ready');
    const done = await fx.status(job.videoId);
    if (done.state !== 'ready') throw new Error(`${name} ended ${done.state}`);
    expect(done.renditions.map((r) => `${r.width}x${r.height}`)).toEqual([size]);
    const url = await fx.downloadRenditions(job.videoId, done.renditions[0]!.playlist);
    await decodeFully(url);
    const streams = await probeStreams(url);
    const video = streams.find((s) => s.codec_type === 'video')!;
    expect({ codec: video.codec_name, size: `${video.width}x${video.height}`, pixels: video.pix_fmt }).toEqual({ codec: 'h264', size, pixels: 'yuv420p' });
    expect(video.r_frame_rate).toBe(video.avg_frame_rate);
    const audio = await fx.downloadAudio(job.videoId);
    expect(audio).not.toBeNull();
    expect((await probeStreams(audio!)).map((s) => s.codec_type)).toEqual(['audio']);
  });
});
