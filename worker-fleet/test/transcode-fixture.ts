import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VideoStatusDocument, newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import type { TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import { silentLogger } from '../src/logger.js';
import { S3Store } from '../src/storage/s3-store.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { RenditionPool } from '../src/transcode/rendition-pool.js';

export interface TranscodeFixture {
  dir: string;
  emulator: S3Emulator;
  deps: TranscodeJobDeps;
  /** Stores `body` as alice's source `name` and returns the job the Lambda would queue for it. */
  jobFor(name: string, body: Uint8Array): Promise<TranscodeJob>;
  status(videoId: string): Promise<VideoStatusDocument>;
  /** An output document or file, read anonymously from the emulator. */
  fetchOutput(key: string): Promise<Response>;
  /** Stores `body` under an output key as it is, as a broken earlier run might have. */
  putOutput(key: string, body: string): Promise<void>;
  stop(): Promise<void>;
}

/** The S3 emulator, a real rendition pool and real ffmpeg: what runTranscodeJob needs, on loopback. */
export async function startTranscodeFixture(ladder: number[]): Promise<TranscodeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-transcode-'));
  const emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
  const s3 = new S3Client({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const deps: TranscodeJobDeps = {
    store: new S3Store(s3, 'hoist'),
    pool: new RenditionPool({ threads: 2 }),
    binaries: resolveFfmpegBinaries(),
    tempDir: dir,
    ladder,
    preset: 'ultrafast',
    logger: silentLogger,
  };
  const fetchOutput = (key: string) => fetch(`${emulator.bucketUrl}/${key}`);
  return {
    dir,
    emulator,
    deps,
    fetchOutput,
    async jobFor(name, body) {
      const videoId = newVideoId();
      const key = sourceKey('alice', videoId, name);
      await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
      return { kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key, size: body.length, etag: 'e1', sequencer: '1', eventTime: new Date().toISOString() };
    },
    async putOutput(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
    },
    async status(videoId) {
      return VideoStatusDocument.parse(await (await fetchOutput(outputKeys.status(videoId))).json());
    },
    async stop() {
      await deps.pool.destroy();
      s3.destroy();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
