import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoManifest, outputKeys } from '@hoist/shared';
import { decodeFully, makeTestClip, probeStreams } from '../../tests/support/clips.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;

beforeAll(async () => {
  fx = await startTranscodeFixture([360, 240]);
});

afterAll(async () => {
  await fx?.stop();
});

describe('runTranscodeJob with real ffmpeg and the S3 emulator', () => {
  it('turns a clip into an HLS ladder, a poster, a manifest and a ready status', async () => {
    const clip = join(fx.dir, 'clip.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 3 });
    const job = await fx.jobFor('clip.mp4', await readFile(clip));

    expect(await runTranscodeJob(job, fx.deps)).toBe('ready');

    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready', progress: 1, poster: true });
    const master = await (await fx.fetchOutput(outputKeys.master(job.videoId))).text();
    expect(master).toContain('RESOLUTION=426x240');
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toMatch(/CODECS="avc1\.6400[0-9a-f]{2},mp4a\.40\.2"/);
    for (const label of [240, 360]) {
      const url = await fx.downloadRenditions(job.videoId, `${label}p/index.m3u8`);
      await decodeFully(url);
      const streams = await probeStreams(url);
      expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', height: label });
    }
    const manifest = VideoManifest.parse(await (await fx.fetchOutput(outputKeys.manifest(job.videoId))).json());
    expect(manifest.renditions.map((r) => r.height)).toEqual([240, 360]);
    expect(manifest.durationSeconds).toBeCloseTo(3, 0);
    const poster = await fx.fetchOutput(outputKeys.poster(job.videoId));
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const segment = await fx.fetchOutput(outputKeys.rendition(job.videoId, 360, 'segment_00000.ts'));
    expect(segment.headers.get('content-type')).toBe('video/mp2t');
    expect(segment.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    // The same message again (SQS delivers at least once) is acknowledged without encoding.
    expect(await runTranscodeJob(job, fx.deps)).toBe('duplicate');
  });

  it('runs a job whose status document an earlier, killed run left cut short', async () => {
    const clip = join(fx.dir, 'cut.mp4');
    await makeTestClip(clip, { width: 320, height: 240, seconds: 1 });
    const job = await fx.jobFor('cut.mp4', await readFile(clip));
    await fx.putOutput(outputKeys.status(job.videoId), '{"state":"proc');

    expect(await runTranscodeJob(job, fx.deps)).toBe('ready');
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready' });
  });

  it('ends a text file named .mp4 as failed, with a reason', async () => {
    const textPath = join(fx.dir, 'notes.mp4');
    await writeFile(textPath, 'these are my notes, not a video\n'.repeat(100));
    const job = await fx.jobFor('notes.mp4', await readFile(textPath));

    expect(await runTranscodeJob(job, fx.deps)).toBe('failed');
    const status = await fx.status(job.videoId);
    expect(status.state).toBe('failed');
    expect(status.state === 'failed' && status.error).toBe('the file is a text file, not a video file');
  });
});
