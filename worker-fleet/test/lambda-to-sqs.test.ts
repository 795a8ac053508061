import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TranscodeJob, encodeS3EventKey, newVideoId } from '@hoist/shared';
import type { SqsEmulator } from '../../dev/sqs-emulator.js';
import { createS3EventHandler } from '../src/lambda/s3-event-handler.js';
import { silentLogger, type Logger } from '../src/logger.js';
import { startSqsFixture, type SqsFixture } from './sqs-fixture.js';

let fx: SqsFixture;
let sqsEmulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  fx = await startSqsFixture('jobs');
  ({ emulator: sqsEmulator, sqs } = fx);
});

afterAll(async () => {
  await fx?.stop();
});

async function drain(): Promise<TranscodeJob[]> {
  const jobs: TranscodeJob[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sqsEmulator.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return jobs;
    for (const message of Messages) {
      jobs.push(TranscodeJob.parse(JSON.parse(message.Body!)));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: sqsEmulator.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** A logger that keeps every entry, debug included. */
function recordingLogger() {
  const entries: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void entries.push({ level, message, ...(fields ? { fields } : {}) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, entries };
}

const record = (key: string, eventName = 'ObjectCreated:CompleteMultipartUpload') => ({
  eventSource: 'aws:s3',
  eventName,
  eventTime: new Date().toISOString(),
  s3: { bucket: { name: 'hoist' }, object: { key: encodeS3EventKey(key), size: 42, eTag: 'etag-1', sequencer: '01' } },
});

describe('S3-event Lambda handler against the SQS emulator', () => {
  it('queues one job per new source across batches of ten, passing over everything else', async () => {
    const logged = recordingLogger();
    const handle = createS3EventHandler({ sqs, queueUrl: sqsEmulator.queueUrl, logger: logged.logger });
    const names = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? `clip ${i} + ünïcödé.mp4` : `clip-${i}.mov`));
    const sources = names.map((name) => `uploads/alice/${newVideoId()}/${name}`);
    const result = await handle({
      Records: [
        ...sources.map((key) => record(key)),
        record(`renditions/${newVideoId()}/master.m3u8`, 'ObjectCreated:Put'),
        record(sources[0]!, 'ObjectRemoved:Delete'),
        record('uploads/alice/stray.mp4', 'ObjectCreated:Put'),
        { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' },
      ],
    });
    expect(result).toEqual({ queued: 12, ignored: 2, skipped: 1, invalid: 1 });
    const jobs = await drain();
    expect(jobs.map((job) => job.key).sort()).toEqual([...sources].sort());
    expect(jobs.every((job) => job.owner === 'alice' && job.size === 42 && job.etag === 'etag-1')).toBe(true);

    // What the bucket notification never sends in AWS (the local stack's every rendition write)
    // is debug detail; a stray key under uploads/ and a broken record are warnings.
    expect(logged.entries.filter((e) => e.message === 'record ignored').map((e) => e.level)).toEqual(['debug', 'debug']);
    expect(logged.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual(['record skipped', 'record invalid']);
    expect(logged.entries.filter((e) => e.level === 'info').map((e) => e.message)).toEqual(Array(12).fill('job queued'));
  });

  it('refuses an event that is not an S3 notification', async () => {
    const handle = createS3EventHandler({ sqs, queueUrl: sqsEmulator.queueUrl, logger: silentLogger });
    await expect(handle({ hello: 'world' })).rejects.toThrow('event is not an S3 notification: it has no Records array');
  });

  it('throws when jobs cannot be queued, so Lambda retries the event', async () => {
    const handle = createS3EventHandler({ sqs, queueUrl: `${sqsEmulator.queueUrl}-missing`, logger: silentLogger, attempts: 2 });
    await expect(handle({ Records: [record(`uploads/alice/${newVideoId()}/a.mp4`)] })).rejects.toThrow(/1 of 1 jobs could not be queued/);
  });
});
