import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId, sourceKey, type TranscodeJob } from '@hoist/shared';
import type { SqsEmulator } from '../../dev/sqs-emulator.js';
import { JobConsumer, type JobConsumerOptions } from '../src/fleet/consumer.js';
import { JobError } from '../src/fleet/job-errors.js';
import { silentLogger } from '../src/logger.js';
import { startSqsFixture, type SqsFixture } from './sqs-fixture.js';

// A job is given up on in three ways, and each one leaves the video `failed` with its reason:
// a failure that cannot get better, the last delivery before the dead-letter queue, and a job
// that would outlive SQS's limit on how long one receive may keep a message.

const MAX_RECEIVE_COUNT = 2;
let fx: SqsFixture;
let emulator: SqsEmulator;
let sqs: SQSClient;
let queues = 0;

// A queue of its own for each case: what one leaves behind (a message on its way to the
// dead-letter queue) is no business of the next.
beforeEach(async () => {
  fx = await startSqsFixture(`consumer-give-up-${++queues}`, MAX_RECEIVE_COUNT);
  ({ emulator, sqs } = fx);
});

afterEach(async () => {
  await fx?.stop();
});

function newJob(): TranscodeJob {
  const videoId = newVideoId();
  return {
    kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key: sourceKey('alice', videoId, 'a.mp4'),
    size: 1, etag: 'e', eventTime: new Date().toISOString(),
  };
}

/** Runs a consumer until `done()` holds (or 15 s pass), then stops it. */
async function consume(options: Pick<JobConsumerOptions, 'runJob'> & Partial<JobConsumerOptions>, done: () => boolean): Promise<JobConsumer> {
  const consumer = new JobConsumer({
    sqs, queueUrl: emulator.queueUrl, bucket: 'hoist', logger: silentLogger, concurrency: 1, visibilityTimeoutSeconds: 30, waitTimeSeconds: 1,
    maxReceiveCount: MAX_RECEIVE_COUNT, backoffBaseSeconds: 0, failJob: async () => {},
    ...options,
  });
  const polling = consumer.run();
  for (let i = 0; i < 150 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.stop(1000);
  await polling;
  return consumer;
}

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.['ApproximateNumberOfMessages']) + Number(Attributes?.['ApproximateNumberOfMessagesNotVisible']);
}

describe('a job the consumer gives up on', () => {
  it('retries a transient failure, then fails the video with the last reason on the delivery before the dead-letter queue', async () => {
    const job = newJob();
    const attempts: number[] = [];
    const failed: Array<[string, string]> = [];
    await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: JSON.stringify(job) }));
    const consumer = await consume(
      {
        runJob: async () => {
          attempts.push(Date.now());
          throw new JobError(`a storage or queue request failed (SlowDown ${attempts.length})`, job.videoId, true);
        },
        failJob: async (failedJob, reason) => void failed.push([failedJob.videoId, reason]),
      },
      () => failed.length > 0,
    );
    expect(attempts).toHaveLength(MAX_RECEIVE_COUNT);
    expect(failed).toEqual([[job.videoId, `a storage or queue request failed (SlowDown ${MAX_RECEIVE_COUNT}) (gave up after ${MAX_RECEIVE_COUNT} attempts)`]]);
    expect(consumer.stats()).toMatchObject({ failed: 1, released: MAX_RECEIVE_COUNT - 1 });
    // Left visible, so the next receive moves it to the dead-letter queue for operators.
    for (let i = 0; i < 30 && (await depth(emulator.deadLetterQueueUrl)) === 0; i++) {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl, WaitTimeSeconds: 0 }));
    }
    expect(await depth(emulator.deadLetterQueueUrl)).toBe(1);
  });

  it('fails the video at the first attempt, and deletes the message, for a failure no attempt can fix', async () => {
    const job = newJob();
    const failed: string[] = [];
    await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: JSON.stringify(job) }));
    let runs = 0;
    const consumer = await consume(
      {
        runJob: async () => {
          runs++;
          throw new JobError('the video could not be decoded', job.videoId, false);
        },
        failJob: async (_job, reason) => void failed.push(reason),
      },
      () => failed.length > 0,
    );
    expect(runs).toBe(1);
    expect(failed).toEqual(['the video could not be decoded']);
    expect(consumer.stats()).toMatchObject({ failed: 1, released: 0 });
    expect(await depth(emulator.queueUrl)).toBe(0);
    expect(await depth(emulator.deadLetterQueueUrl)).toBe(0);
  });

  it('stops and fails a job that would outlive the longest a receive may keep its message, instead of letting it restart elsewhere', async () => {
    const job = newJob();
    const failed: string[] = [];
    let stoppedBecause: unknown;
    await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: JSON.stringify(job) }));
    const started = Date.now();
    const consumer = await consume(
      {
        // 3 s stands for SQS's 12 hours; the heartbeat beats every second.
        maxInFlightSeconds: 3,
        visibilityTimeoutSeconds: 3,
        runJob: (_job, signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              stoppedBecause = signal.reason;
              reject(new Error('ffmpeg killed'));
            });
          }),
        failJob: async (_job, reason) => void failed.push(reason),
      },
      () => failed.length > 0,
    );
    expect(Date.now() - started).toBeLessThan(6000);
    expect(stoppedBecause).toBeInstanceOf(JobError);
    expect(failed).toEqual(["processing took longer than 3 s, the most one job may take (the queue's limit); the video is too long for the fleet"]);
    expect(consumer.stats()).toMatchObject({ failed: 1, released: 0 });
    expect(await depth(emulator.queueUrl)).toBe(0);
  });
});
