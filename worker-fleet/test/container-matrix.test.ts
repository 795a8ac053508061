import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFully, makeTestClip, probeStreams } from '../../tests/support/clips.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;
let clip: string;

beforeAll(async () => {
  fx = await startTranscodeFixture([240]);
  clip = join(fx.dir, 'clip.mp4');
  await makeTestClip(clip, { width: 320, height: 240, seconds: 1.5 });
});

afterAll(async () => {
  await fx?.stop();
});

/** Writes the test clip again in another container (stream copy where the container takes H.264 and AAC). */
async function rewrap(name: string, args: string[]): Promise<Uint8Array> {
  const path = join(fx.dir, `rewrapped-${name}`);
  await promisify(execFile)(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', clip, ...args, path]);
  return readFile(path);
}

describe('every container on the allow-list still makes a playable ladder', () => {
  it.each<[string, string[]]>([
    ['clip.mp4', ['-c', 'copy']],
    ['clip.mov', ['-c', 'copy']],
    ['clip.3gp', ['-c:v', 'copy', '-c:a', 'aac', '-ar', '16000', '-ac', '1']],
    ['clip.mkv', ['-c', 'copy']],
    ['clip.webm', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus']],
    ['clip.ts', ['-c', 'copy']],
    ['clip.m2ts', ['-c', 'copy', '-f', 'mpegts', '-mpegts_m2ts_mode', '1']],
    ['clip.avi', ['-c', 'copy']],
    ['clip.mpg', ['-c:v', 'mpeg2video', '-c:a', 'mp2', '-f', 'vob']],
    ['clip.mxf', ['-c:v', 'mpeg2video', '-c:a', 'pcm_s16le', '-ar', '48000']],
    ['clip.wmv', ['-c:v', 'wmv2', '-c:a', 'wmav2']],
    ['clip.flv', ['-c', 'copy']],
  ])('%s', async (name, args) => {
    // Stored under a name that says nothing: the container is told from the bytes alone.
    const job = await fx.jobFor('upload', await rewrap(name, args));
    expect(await runTranscodeJob(job, fx.deps)).toBe('ready');
    const done = await fx.status(job.videoId);
    expect(done.state).toBe('ready');
    expect(done.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(['320x240']);
    const url = await fx.downloadRenditions(job.videoId, done.renditions[0]!.playlist);
    await decodeFully(url);
    expect((await probeStreams(url)).map((s) => s.codec_type)).toEqual(['video']);
    const audio = await fx.downloadAudio(job.videoId);
    expect(audio).not.toBeNull();
    await decodeFully(audio!);
    expect((await probeStreams(audio!)).map((s) => s.codec_type)).toEqual(['audio']);
  });
});
