import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TranscodeJob, encodeS3EventKey, newVideoId } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { REPO_ROOT } from '../../dev/stack.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator, type SqsEmulator } from '../../dev/sqs-emulator.js';

let sqsEmulator: SqsEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  sqsEmulator = await startSqsEmulator({ port: await freePort(), queueName: 'bundle-jobs', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
});

afterAll(async () => {
  process.env = saved;
  await sqsEmulator.stop();
});

describe('npm run build:lambda', () => {
  it('bundles a handler that turns an S3 event into a queued job', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    await promisify(execFile)(process.execPath, ['--import', `file://${tsx}`, join(REPO_ROOT, 'worker-fleet/scripts/build-lambda.ts')]);
    expect((await stat(join(REPO_ROOT, 'dist/s3-event-lambda.zip'))).size).toBeGreaterThan(10_000);

    // The bundle as Lambda runs it: settings from the environment only.
    Object.assign(process.env, {
      JOB_QUEUE_URL: sqsEmulator.queueUrl,
      SQS_ENDPOINT: sqsEmulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: SQS_EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SQS_EMULATOR_CREDENTIALS.secretAccessKey,
    });
    const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'dist/lambda/index.mjs')).href)) as { handler: (event: unknown) => Promise<unknown> };
    const key = `uploads/alice/${newVideoId()}/Summer clip (final).mov`;
    const result = await handler({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:CompleteMultipartUpload',
          eventTime: new Date().toISOString(),
          s3: { bucket: { name: 'hoist' }, object: { key: encodeS3EventKey(key), size: 10, eTag: 'abc-2', sequencer: '01' } },
        },
      ],
    });
    expect(result).toEqual({ queued: 1, ignored: 0, skipped: 0, invalid: 0 });

    const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sqsEmulator.queueUrl, WaitTimeSeconds: 1 }));
    sqs.destroy();
    expect(TranscodeJob.parse(JSON.parse(Messages[0]!.Body!)).key).toBe(key);
  });
});
