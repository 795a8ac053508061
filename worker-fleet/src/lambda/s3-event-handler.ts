import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { S3Event, type TranscodeJob } from '@hoist/shared';
import type { Logger } from '../logger.js';
import { jobFromRecord } from './event-records.js';

/** SQS takes at most ten entries per SendMessageBatch. */
const SQS_BATCH_LIMIT = 10;

export interface S3EventHandlerOptions {
  sqs: SQSClient;
  queueUrl: string;
  logger: Logger;
  /** Tries per batch for entries SQS reports failed. Default 3. */
  attempts?: number;
}

export class JobEnqueueError extends Error {
  override name = 'JobEnqueueError';
}

/** What one event came to, record by record (see `RecordOutcome` for each class). */
export interface S3EventOutcome {
  queued: number;
  ignored: number;
  skipped: number;
  invalid: number;
}

/**
 * The Lambda's work, free of Lambda globals so the local stack and tests call the same code:
 * every record read, every new source queued as a TranscodeJob in batches of ten, failed entries
 * retried, and a throw at the end if any still failed, so Lambda retries the whole event.
 * Records outside the notification's scope are logged at debug level only; unexpected ones warn.
 */
export function createS3EventHandler(options: S3EventHandlerOptions) {
  const attempts = options.attempts ?? 3;
  return async function handleS3Event(event: unknown): Promise<S3EventOutcome> {
    const parsed = S3Event.safeParse(event);
    if (!parsed.success) throw new JobEnqueueError('event is not an S3 notification: it has no Records array');
    const jobs: TranscodeJob[] = [];
    const counts = { ignored: 0, skipped: 0, invalid: 0 };
    for (const record of parsed.data.Records) {
      const outcome = jobFromRecord(record);
      switch (outcome.kind) {
        case 'job':
          jobs.push(outcome.job);
          break;
        case 'ignored':
          counts.ignored++;
          options.logger.debug('record ignored', { reason: outcome.reason });
          break;
        case 'skipped':
          counts.skipped++;
          options.logger.warn('record skipped', { reason: outcome.reason });
          break;
        case 'invalid':
          counts.invalid++;
          options.logger.warn('record invalid', { reason: outcome.reason });
          break;
        default:
          outcome satisfies never;
      }
    }
    for (let i = 0; i < jobs.length; i += SQS_BATCH_LIMIT) {
      await sendBatch(jobs.slice(i, i + SQS_BATCH_LIMIT), options, attempts);
    }
    for (const job of jobs) options.logger.info('job queued', { videoId: job.videoId, key: job.key });
    return { queued: jobs.length, ...counts };
  };
}

async function sendBatch(jobs: TranscodeJob[], options: S3EventHandlerOptions, attempts: number): Promise<void> {
  let pending = jobs.map((job, index) => ({ Id: String(index), MessageBody: JSON.stringify(job) }));
  let lastError = '';
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    try {
      const result = await options.sqs.send(new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: pending }));
      const failed = new Set((result.Failed ?? []).map((f) => f.Id));
      lastError = (result.Failed ?? []).map((f) => `${f.Code}: ${f.Message}`).join('; ');
      pending = pending.filter((entry) => failed.has(entry.Id));
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  if (pending.length > 0) {
    throw new JobEnqueueError(`${pending.length} of ${jobs.length} jobs could not be queued: ${lastError}`);
  }
}
