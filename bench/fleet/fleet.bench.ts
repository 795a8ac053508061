import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId, sourceKey, type TranscodeJob } from '@hoist/shared';
import { startFleetProcess } from '../../dev/fleet-process.js';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator } from '../../dev/s3-emulator.js';
import { REPO_ROOT } from '../../dev/stack.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator } from '../../dev/sqs-emulator.js';
import { makeTestClip } from '../../tests/support/clips.js';
import { alternate, summarise } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';

const JOBS = 8;

export const fleetBenchmark: Benchmark = {
  name: 'fleet',
  description: `throughput of one fleet process on a queue of ${JOBS} short jobs, 2 jobs at a time against 1`,
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-fleet-'));
    const s3Emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
    const s3 = new S3Client({ endpoint: s3Emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_EMULATOR_CREDENTIALS });
    try {
      await makeTestClip(join(dir, 'clip.mp4'), { width: 854, height: 480, seconds: 3 });
      const clip = await readFile(join(dir, 'clip.mp4'));

      /** Jobs per minute for one fleet process at `concurrency`, on a fresh queue of JOBS jobs. */
      const throughput = async (concurrency: number): Promise<number> => {
        const sqsEmulator = await startSqsEmulator({ port: await freePort(), queueName: 'jobs', visibilityTimeoutSeconds: 120, maxReceiveCount: 3 });
        const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
        const lines: string[] = [];
        const fleet = startFleetProcess({
          repoRoot: REPO_ROOT,
          env: {
            JOB_QUEUE_URL: sqsEmulator.queueUrl, SQS_ENDPOINT: sqsEmulator.endpoint, S3_BUCKET: 'hoist', S3_ENDPOINT: s3Emulator.endpoint,
            AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            HEALTH_PORT: '0', JOB_CONCURRENCY: String(concurrency), LADDER: '480,360', X264_PRESET: 'veryfast', TEMP_DIR: dir,
          },
          output: (line) => lines.push(line),
        });
        try {
          while (!lines.some((l) => l.includes('"message":"polling"'))) await new Promise((r) => setTimeout(r, 20));
          const jobs: TranscodeJob[] = [];
          for (let i = 0; i < JOBS; i++) {
            const videoId = newVideoId();
            const key = sourceKey('bench', videoId, 'clip.mp4');
            await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: clip }));
            jobs.push({ kind: 'transcode', version: 1, videoId, owner: 'bench', bucket: 'hoist', key, size: clip.length, etag: `e${i}`, eventTime: new Date().toISOString() });
          }
          const started = performance.now();
          await sqs.send(new SendMessageBatchCommand({ QueueUrl: sqsEmulator.queueUrl, Entries: jobs.map((job, i) => ({ Id: String(i), MessageBody: JSON.stringify(job) })) }));
          while (lines.filter((l) => l.includes('"outcome":"ready"')).length < JOBS) {
            if (fleet.child.exitCode !== null) throw new Error(`fleet exited:\n${lines.join('\n')}`);
            await new Promise((r) => setTimeout(r, 50));
          }
          return (JOBS / ((performance.now() - started) / 1000)) * 60;
        } finally {
          await fleet.stop();
          sqs.destroy();
          await sqsEmulator.stop();
        }
      };

      log(`${JOBS} jobs of a 3 s 854x480 clip (rungs 480p and 360p) per run`);
      const { a: two, b: one } = await alternate(2, 1, () => throughput(2), () => throughput(1));
      const twoAtOnce = summarise(two);
      const oneAtOnce = summarise(one);
      return {
        name: 'fleet',
        description: this.description,
        rows: [
          {
            metric: 'jobs per minute, JOB_CONCURRENCY=2',
            unit: 'jobs/min',
            hoist: twoAtOnce,
            baselineName: 'JOB_CONCURRENCY=1',
            baseline: oneAtOnce,
            ratio: twoAtOnce.median / oneAtOnce.median,
            target: 'reference',
            met: true,
          },
        ],
        notes: ['short jobs leave cores idle between probe, encode and publish; two at a time fills those gaps on two cores.'],
      };
    } finally {
      s3.destroy();
      await s3Emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
