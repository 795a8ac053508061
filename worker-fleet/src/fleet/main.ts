import { mkdir } from 'node:fs/promises';
import { jsonLogger } from '../logger.js';
import { S3Store } from '../storage/s3-store.js';
import { inspectFfmpegBinaries, resolveFfmpegBinaries } from '../transcode/ffmpeg-binaries.js';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { ChunkJob } from '@hoist/shared';
import { EncodePool } from '../transcode/encode-pool.js';
import { createAwsClients } from './clients.js';
import { ffmpegLimitsOf, mediaLimitsOf, readFleetConfig } from './config.js';
import { JobConsumer } from './consumer.js';
import { startHealthServer } from './health-server.js';
import { runChunkJob } from './run-chunk-job.js';
import { runTranscodeJob } from './run-transcode-job.js';
import type { VideoJobDeps } from './unit-runner.js';
import { ScratchSpace } from './scratch-space.js';
import { sweepScratchFolders } from './scratch-sweep.js';
import { StatusReporter } from './status-reporter.js';

/** The fleet process: one per machine, started by systemd or the local stack. */
async function main(): Promise<void> {
  const logger = jsonLogger('fleet');
  const config = readFleetConfig();
  const binaries = resolveFfmpegBinaries();
  const ffmpeg = await inspectFfmpegBinaries(binaries, { production: config.NODE_ENV === 'production', minimum: config.FFMPEG_MIN_VERSION });
  logger.info('ffmpeg found', {
    source: binaries.source,
    ffmpeg: binaries.ffmpeg,
    version: ffmpeg.versions.ffmpeg,
    ffprobe: binaries.ffprobe,
    ffprobeVersion: ffmpeg.versions.ffprobe,
  });
  // At every start, so an instance on the wrong build is never quiet about it.
  for (const warning of ffmpeg.warnings) logger.warn(warning, { ffmpeg: binaries.ffmpeg, ffprobe: binaries.ffprobe });
  if (ffmpeg.refusal) throw new Error(ffmpeg.refusal);
  const { s3, sqs } = createAwsClients(config);
  const store = new S3Store(s3, config.S3_BUCKET);
  const pool = new EncodePool({ threads: config.POOL_SIZE });
  await pool.warmUp();
  await mkdir(config.TEMP_DIR, { recursive: true });
  // Folders a killed fleet process left hold disk that no running job will free.
  await sweepScratchFolders({ tempDir: config.TEMP_DIR, logger });
  const scratch = new ScratchSpace({ tempDir: config.TEMP_DIR, headroomFactor: config.DISK_HEADROOM_FACTOR });
  // Chunk messages go on the same queue as new sources: the same dead-letter queue, alarms and
  // backlog scaling cover both, and any machine takes either.
  const dispatch = async (messages: readonly ChunkJob[]) => {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: config.JOB_QUEUE_URL, Entries: batch.map((message, j) => ({ Id: String(j), MessageBody: JSON.stringify(message) })) }));
      if (sent.Failed?.length) throw new Error(`the queue refused ${sent.Failed.length} chunk message(s): ${sent.Failed[0]?.Code ?? 'unknown'}`);
    }
  };
  const deps: VideoJobDeps = {
    store, pool, binaries, scratch, logger, dispatch,
    ladder: config.LADDER, preset: config.X264_PRESET, chunkSeconds: config.CHUNK_SECONDS,
    mediaLimits: mediaLimitsOf(config), ffmpegLimits: ffmpegLimitsOf(config),
  };
  const consumer = new JobConsumer({
    sqs,
    queueUrl: config.JOB_QUEUE_URL,
    bucket: config.S3_BUCKET,
    logger,
    concurrency: config.JOB_CONCURRENCY,
    visibilityTimeoutSeconds: config.VISIBILITY_TIMEOUT_SECONDS,
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
    failJob: async (job, reason) => {
      await new StatusReporter(store, job).set({ state: 'failed', error: reason });
    },
    runJob: (job, signal, messageId) => {
      const context = { messageId, receivedAt: new Date(), signal };
      return job.kind === 'transcode' ? runTranscodeJob(job, deps, context) : runChunkJob(job, deps, context);
    },
  });

  const health = await startHealthServer(config.HEALTH_PORT, () => consumer.stats());
  const address = health.address();
  logger.info('health endpoint', { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.HEALTH_PORT}/healthz` });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: finishing running jobs', { signal, running: consumer.active, drainSeconds: config.DRAIN_SECONDS });
    void consumer
      .stop(config.DRAIN_SECONDS * 1000)
      .then(() => pool.destroy())
      .then(() => new Promise((resolve) => health.close(resolve)))
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  logger.info('polling', { queueUrl: config.JOB_QUEUE_URL, bucket: config.S3_BUCKET, concurrency: config.JOB_CONCURRENCY, poolSize: config.POOL_SIZE });
  await consumer.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`fleet failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
