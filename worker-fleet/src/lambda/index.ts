import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { jsonLogger } from '../logger.js';
import { createS3EventHandler } from './s3-event-handler.js';

export { createS3EventHandler, JobEnqueueError } from './s3-event-handler.js';
export { jobFromRecord } from './event-records.js';

/** The S3-event Lambda's settings, from its environment (docs/settings.md is generated from this). */
export const LambdaEnv = z.object({
  JOB_QUEUE_URL: z.string({ error: 'JOB_QUEUE_URL is not set' }).url('JOB_QUEUE_URL must be the queue URL')
    .describe('URL of the SQS job queue: the Lambda sends each new source\'s job to it; the fleet long-polls it for those jobs and the chunk messages it queues itself.'),
  AWS_REGION: z.string().default('us-east-1').describe('AWS region of the queue.'),
  SQS_ENDPOINT: z.string().url('SQS_ENDPOINT must be a URL').optional()
    .describe('Endpoint override, for an SQS emulator; unset in AWS.'),
});

let handleEvent: ReturnType<typeof createS3EventHandler> | undefined;

/** The deployed Lambda entry point: config read once per container. */
export async function handler(event: unknown) {
  if (!handleEvent) {
    const env = LambdaEnv.parse(process.env);
    handleEvent = createS3EventHandler({
      sqs: new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) }),
      queueUrl: env.JOB_QUEUE_URL,
      logger: jsonLogger('s3-event-lambda'),
    });
  }
  return handleEvent(event);
}
