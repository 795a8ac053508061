import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId, sourceKey, type QueueMessage, type TranscodeJob } from '@hoist/shared';
import type { SqsEmulator } from '../../dev/sqs-emulator.js';
import { JobConsumer } from '../src/fleet/consumer.js';
import { silentLogger, type Logger } from '../src/logger.js';
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
      size: 1, etag: 'e', eventTime: new Date().toISOString(),
    };
    let stoppedBecause: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const consumer = new JobConsumer({
      sqs,
      queueUrl: emulator.queueUrl,
      bucket: 'hoist',
      logger: silentLogger,
      concurrency: 1,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      maxReceiveCount: 3,
      failJob: async () => {},
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

  it('drops, unrun and at the first receive, a job whose owner, video id or bucket disagree with its key; runs an honest one', async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: emulator.queueUrl }));
    const victim = newVideoId();
    const mallory = newVideoId();
    const honest: TranscodeJob = {
      kind: 'transcode', version: 1, videoId: victim, owner: 'alice', bucket: 'hoist', key: sourceKey('alice', victim, 'a.mp4'),
      size: 1, etag: 'e', eventTime: new Date().toISOString(),
    };
    const forged: TranscodeJob[] = [
      // Mallory's message points at Alice's source, to have it land in Mallory's video.
      { ...honest, videoId: mallory },
      { ...honest, owner: 'mallory' },
      // Mallory's own source, to have it written over Alice's video's outputs.
      { ...honest, owner: 'mallory', key: sourceKey('mallory', mallory, 'a.mp4') },
      { ...honest, bucket: 'another-bucket' },
    ];
    const errors: Array<Record<string, unknown>> = [];
    const logger: Logger = { ...silentLogger, error: (message, fields) => void errors.push({ message, ...fields }) };
    const ran: QueueMessage[] = [];
    const consumer = new JobConsumer({
      sqs, queueUrl: emulator.queueUrl, bucket: 'hoist', logger, concurrency: 4, visibilityTimeoutSeconds: 30, waitTimeSeconds: 1,
      maxReceiveCount: 3, failJob: async () => {},
      runJob: async (job) => (ran.push(job), 'ready'),
    });
    const polling = consumer.run();
    for (const job of [...forged, honest]) await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: JSON.stringify(job) }));
    for (let i = 0; i < 50 && (errors.length < forged.length || ran.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.stop(1000);
    await polling;

    expect(ran).toEqual([honest]);
    expect(errors.map((e) => [e['message'], e['reason']]).sort()).toEqual(
      [
        `videoId ${mallory} does not match the key's video ${victim}`,
        'owner mallory does not match the key\'s owner alice',
        `videoId ${victim} does not match the key's video ${mallory}`,
        'bucket another-bucket is not this fleet\'s bucket hoist',
      ]
        .map((reason) => ['job message does not match its source key; dropped without running', reason])
        .sort(),
    );
    expect(consumer.stats()).toMatchObject({ failed: 4, done: 1, released: 0 });
    // Deleted, not left to come round again (visible or in flight).
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: emulator.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});
