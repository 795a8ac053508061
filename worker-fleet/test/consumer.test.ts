import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId, type TranscodeJob } from '@hoist/shared';
import type { SqsEmulator } from '../../dev/sqs-emulator.js';
import { JobConsumer } from '../src/fleet/consumer.js';
import { silentLogger } from '../src/logger.js';
import { startSqsFixture, type SqsFixture } from './sqs-fixture.js';

let fx: SqsFixture;
let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  fx = await startSqsFixture('consumer-jobs');
  ({ emulator, sqs } = fx);
});

afterAll(async () => {
  await fx?.stop();
});

describe('JobConsumer against the SQS emulator', () => {
  it('stops a job whose message is no longer its own', async () => {
    const videoId = newVideoId();
    const job: TranscodeJob = {
      kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key: `uploads/alice/${videoId}/a.mp4`,
      size: 1, etag: 'e', sequencer: '1', eventTime: new Date().toISOString(),
    };
    let stoppedBecause: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const consumer = new JobConsumer({
      sqs,
      queueUrl: emulator.queueUrl,
      logger: silentLogger,
      concurrency: 1,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      // A job that runs until it is told to stop, as an ffmpeg encode would.
      runJob: (_job, signal) =>
        new Promise((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => {
            stoppedBecause = signal.reason;
            reject(signal.reason);
          });
        }),
    });
    const polling = consumer.run();
    await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: JSON.stringify(job) }));
    await running;
    // The message disappears from under the job (as when another worker took it and finished).
    await sqs.send(new PurgeQueueCommand({ QueueUrl: emulator.queueUrl }));
    for (let i = 0; i < 50 && !stoppedBecause; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(String(stoppedBecause)).toContain('message lost to another worker');
    expect(consumer.stats()).toMatchObject({ running: 0, released: 1, done: 0 });
    await consumer.stop(1000);
    await polling;
  });
});
