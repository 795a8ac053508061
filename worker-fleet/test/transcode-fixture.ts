import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClient } from 'aws4fetch';
import { VideoStatusDocument, newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { QueueMessage } from '@hoist/shared';
import { runChunkJob } from '../src/fleet/run-chunk-job.js';
import type { TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import type { JobOutcome } from '../src/fleet/unit-runner.js';
import { startSqsFixture, type SqsFixture } from './sqs-fixture.js';
import { ScratchSpace } from '../src/fleet/scratch-space.js';
import { silentLogger } from '../src/logger.js';
import { S3Store } from '../src/storage/s3-store.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { EncodePool } from '../src/transcode/encode-pool.js';

export interface TranscodeFixture {
  dir: string;
  emulator: S3Emulator;
  deps: TranscodeJobDeps;
  /** Stores `body` as alice's source `name` and returns the job the Lambda would queue for it. */
  jobFor(name: string, body: Uint8Array): Promise<TranscodeJob>;
  status(videoId: string): Promise<VideoStatusDocument>;
  /** An output document or file, read from the emulator with a signed GET (the bucket is private). */
  fetchOutput(key: string): Promise<Response>;
  /**
   * Copies a video's renditions out of the bucket (signed reads) and returns the local path of
   * `playlist` (relative to `renditions/<videoId>/`), for ffmpeg to decode as a player would.
   */
  downloadRenditions(videoId: string, playlist: string): Promise<string>;
  /** The job queue the chunk messages go to (the SQS emulator). */
  queue: SqsFixture;
  /**
   * Runs every chunk message on the queue, as fleet workers would, until none is left; returns
   * each run's outcome. `deps` replaces the fixture's for these runs.
   */
  runQueued(deps?: TranscodeJobDeps): Promise<JobOutcome[]>;
  /**
   * The audio group of a finished video, copied out of the bucket: the local path of its
   * playlist, or null when the master names none (a source without sound).
   */
  downloadAudio(videoId: string): Promise<string | null>;
  /** Stores `body` under an output key as it is, as a broken earlier run might have. */
  putOutput(key: string, body: string): Promise<void>;
  stop(): Promise<void>;
}

/** The S3 emulator, a real rendition pool and real ffmpeg: what runTranscodeJob needs, on loopback. */
export async function startTranscodeFixture(ladder: number[], options: { chunkSeconds?: number } = {}): Promise<TranscodeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-transcode-'));
  const emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
  const s3 = new S3Client({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_EMULATOR_CREDENTIALS,
  });
  const queue = await startSqsFixture('jobs');
  const deps: TranscodeJobDeps = {
    store: new S3Store(s3, 'hoist'),
    pool: new EncodePool({ threads: 2 }),
    chunkSeconds: options.chunkSeconds ?? 60,
    async dispatch(messages) {
      for (let i = 0; i < messages.length; i += 10) {
        const entries = messages.slice(i, i + 10).map((message, j) => ({ Id: String(j), MessageBody: JSON.stringify(message) }));
        await queue.sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.emulator.queueUrl, Entries: entries }));
      }
    },
    binaries: resolveFfmpegBinaries(),
    scratch: new ScratchSpace({ tempDir: dir }),
    ladder,
    preset: 'ultrafast',
    logger: silentLogger,
  };
  const owner = new AwsClient({ ...S3_EMULATOR_CREDENTIALS, service: 's3', region: 'us-east-1' });
  const fetchOutput = (key: string) => owner.fetch(`${emulator.bucketUrl}/${key}`);
  async function downloadRenditions(videoId: string, playlist: string): Promise<string> {
    const prefix = `renditions/${videoId}/`;
    const local = join(dir, 'downloaded', videoId);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'hoist', Prefix: prefix }));
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'hoist', Key: Key! }));
      const path = join(local, Key!.slice(prefix.length));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await object.Body!.transformToByteArray());
    }
    return join(local, playlist);
  }
  return {
    dir,
    emulator,
    deps,
    queue,
    async runQueued(runDeps = deps) {
      const outcomes: JobOutcome[] = [];
      for (;;) {
        const received = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.emulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!received.Messages?.length) return outcomes;
        for (const message of received.Messages) {
          const job = QueueMessage.parse(JSON.parse(message.Body!));
          if (job.kind !== 'chunk') throw new Error('only chunk messages are expected on the fixture queue');
          outcomes.push(await runChunkJob(job, runDeps, { messageId: message.MessageId!, receivedAt: new Date() }));
          await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.emulator.queueUrl, ReceiptHandle: message.ReceiptHandle! }));
        }
      }
    },
    fetchOutput,
    downloadRenditions,
    async downloadAudio(videoId) {
      const master = await (await fetchOutput(outputKeys.master(videoId))).text();
      const uri = /#EXT-X-MEDIA:TYPE=AUDIO,.*URI="([^"]+)"/.exec(master)?.[1];
      return uri ? downloadRenditions(videoId, uri) : null;
    },
    async jobFor(name, body) {
      const videoId = newVideoId();
      const key = sourceKey('alice', videoId, name);
      await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
      return { kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key, size: body.length, etag: 'e1', eventTime: new Date().toISOString() };
    },
    async putOutput(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: body }));
    },
    async status(videoId) {
      return VideoStatusDocument.parse(await (await fetchOutput(outputKeys.status(videoId))).json());
    },
    async stop() {
      await deps.pool.destroy();
      await queue.stop();
      s3.destroy();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
