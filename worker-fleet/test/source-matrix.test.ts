import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VideoStatusDocument, newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { decodeFully, makeTestClip, probeStreams, type ClipOptions } from '../../tests/support/clips.js';
import { runTranscodeJob, type TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import { silentLogger } from '../src/logger.js';
import { S3Store } from '../src/storage/s3-store.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { RenditionPool } from '../src/transcode/rendition-pool.js';

let dir: string;
let emulator: S3Emulator;
let s3: S3Client;
let deps: TranscodeJobDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-sources-'));
  emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
  s3 = new S3Client({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  deps = {
    store: new S3Store(s3, 'hoist'),
    pool: new RenditionPool({ threads: 2 }),
    binaries: resolveFfmpegBinaries(),
    tempDir: dir,
    ladder: [1080, 720, 480, 360],
    preset: 'ultrafast',
    logger: silentLogger,
  };
});

afterAll(async () => {
  await deps.pool.destroy();
  s3.destroy();
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

async function jobFor(name: string, body: Uint8Array): Promise<TranscodeJob> {
  const videoId = newVideoId();
  const key = sourceKey('alice', videoId, name);
  await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
  return { kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key, size: body.length, etag: 'e', sequencer: '1', eventTime: new Date().toISOString() };
}

async function status(videoId: string) {
  return VideoStatusDocument.parse(await (await fetch(`${emulator.bucketUrl}/${outputKeys.status(videoId)}`)).json());
}

describe('every kind of source ends ready with the right rungs, all decodable', () => {
  it.each<[string, ClipOptions, string[], boolean]>([
    ['landscape 1080p', { width: 1920, height: 1080, seconds: 2 }, ['640x360', '854x480', '1280x720', '1920x1080'], true],
    ['portrait 720x1280', { width: 720, height: 1280, seconds: 2 }, ['360x640', '480x854', '720x1280'], true],
    ['odd 853x479', { width: 853, height: 479, seconds: 2 }, ['642x360'], true],
    ['no audio', { width: 640, height: 360, seconds: 2, audio: false }, ['640x360'], false],
    ['rotated 90°', { width: 640, height: 360, seconds: 2, rotate: 90 }, ['360x640'], true],
    ['variable frame rate', { width: 640, height: 360, seconds: 3, variableFrameRate: true }, ['640x360'], true],
  ])('%s', async (name, clip, sizes, hasAudio) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.mp4`);
    await makeTestClip(path, clip);
    const job = await jobFor(`${name}.mp4`, await readFile(path));
    expect(await runTranscodeJob(job, deps)).toBe('ready');
    const done = await status(job.videoId);
    expect(done.state).toBe('ready');
    expect(done.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(sizes);
    for (const rendition of done.renditions) {
      const url = `${emulator.bucketUrl}/renditions/${job.videoId}/${rendition.playlist}`;
      await decodeFully(url);
      const streams = await probeStreams(url);
      const video = streams.find((s) => s.codec_type === 'video')!;
      expect(`${video.width}x${video.height}`).toBe(`${rendition.width}x${rendition.height}`);
      expect(video.pix_fmt).toBe('yuv420p');
      expect(streams.some((s) => s.codec_type === 'audio')).toBe(hasAudio);
      expect(rendition.codecs.includes('mp4a')).toBe(hasAudio);
      // Constant frame rate out, whatever came in.
      expect(video.r_frame_rate).toBe(video.avg_frame_rate);
    }
  });
});

describe('files that are not usable video end failed, with a reason', () => {
  it('a truncated MP4', async () => {
    const path = join(dir, 'whole.mp4');
    await makeTestClip(path, { seconds: 2 });
    const bytes = await readFile(path);
    await writeFile(join(dir, 'cut.mp4'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const job = await jobFor('cut.mp4', await readFile(join(dir, 'cut.mp4')));
    expect(await runTranscodeJob(job, deps)).toBe('failed');
    const done = await status(job.videoId);
    expect(done.state === 'failed' && done.error).toMatch(/^not a readable media file|no duration|no video stream/);
  });

  it('an empty file', async () => {
    await writeFile(join(dir, 'empty.mp4'), '');
    await truncate(join(dir, 'empty.mp4'), 0);
    const job = await jobFor('empty.mp4', new Uint8Array(0));
    expect(await runTranscodeJob(job, deps)).toBe('failed');
  });
});
