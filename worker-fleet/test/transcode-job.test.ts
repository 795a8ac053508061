import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VideoManifest, VideoStatusDocument, newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { decodeFully, makeTestClip, probeStreams } from '../../tests/support/clips.js';
import { runTranscodeJob, type TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import { silentLogger } from '../src/logger.js';
import { S3Store } from '../src/storage/s3-store.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { RenditionPool } from '../src/transcode/rendition-pool.js';

let dir: string;
let s3Emulator: S3Emulator;
let s3: S3Client;
let deps: TranscodeJobDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-fleet-test-'));
  s3Emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
  s3 = new S3Client({
    endpoint: s3Emulator.endpoint,
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
    ladder: [360, 240],
    preset: 'ultrafast',
    logger: silentLogger,
  };
});

afterAll(async () => {
  await deps.pool.destroy();
  s3.destroy();
  await s3Emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

async function uploadSource(name: string, body: Uint8Array): Promise<TranscodeJob> {
  const videoId = newVideoId();
  const key = sourceKey('alice', videoId, name);
  await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
  return { kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key, size: body.length, etag: 'e1', sequencer: '1', eventTime: new Date().toISOString() };
}

async function readStatus(videoId: string) {
  const text = await (await fetch(`${s3Emulator.bucketUrl}/${outputKeys.status(videoId)}`)).text();
  return VideoStatusDocument.parse(JSON.parse(text));
}

describe('runTranscodeJob with real ffmpeg and the S3 emulator', () => {
  it('turns a clip into an HLS ladder, a poster, a manifest and a ready status', async () => {
    const clip = join(dir, 'clip.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 3 });
    const job = await uploadSource('clip.mp4', await readFile(clip));

    expect(await runTranscodeJob(job, deps)).toBe('ready');

    const status = await readStatus(job.videoId);
    expect(status).toMatchObject({ state: 'ready', progress: 1 });
    const master = await (await fetch(`${s3Emulator.bucketUrl}/${outputKeys.master(job.videoId)}`)).text();
    expect(master).toContain('RESOLUTION=426x240');
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toMatch(/CODECS="avc1\.6400[0-9a-f]{2},mp4a\.40\.2"/);
    for (const label of [240, 360]) {
      const url = `${s3Emulator.bucketUrl}/${outputKeys.rendition(job.videoId, label, 'index.m3u8')}`;
      await decodeFully(url);
      const streams = await probeStreams(url);
      expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', height: label });
    }
    const manifest = VideoManifest.parse(await (await fetch(`${s3Emulator.bucketUrl}/${outputKeys.manifest(job.videoId)}`)).json());
    expect(manifest.renditions.map((r) => r.height)).toEqual([240, 360]);
    expect(manifest.durationSeconds).toBeCloseTo(3, 0);
    const poster = await fetch(`${s3Emulator.bucketUrl}/${outputKeys.poster(job.videoId)}`);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');

    // The same message again (SQS delivers at least once) is acknowledged without encoding.
    expect(await runTranscodeJob(job, deps)).toBe('duplicate');
  });

  it('ends a text file named .mp4 as failed, with a reason', async () => {
    const textPath = join(dir, 'notes.mp4');
    await writeFile(textPath, 'these are my notes, not a video\n'.repeat(100));
    const job = await uploadSource('notes.mp4', await readFile(textPath));

    expect(await runTranscodeJob(job, deps)).toBe('failed');
    const status = await readStatus(job.videoId);
    expect(status.state).toBe('failed');
    expect(status.state === 'failed' && status.error).toMatch(/^not a readable media file/);
  });
});
