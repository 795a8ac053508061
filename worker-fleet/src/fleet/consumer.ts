import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueueMessage, describeZodError, messageKeyMismatch } from '@hoist/shared';
import type { Logger } from '../logger.js';
import { formatDuration } from '../human-units.js';
import { JobError, toJobError } from './job-errors.js';
import type { JobOutcome } from './unit-runner.js';

export interface JobConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The bucket this fleet serves; a job naming another, or whose fields disagree with its key, is never run. */
  bucket: string;
  /**
   * Runs one message (a new source, or one chunk of a planned one); resolves when it is
   * finished (ready, failed for good, its unit done, or a duplicate). `messageId` is the same on
   * every delivery of the message.
   */
  runJob: (job: QueueMessage, signal: AbortSignal, messageId: string) => Promise<JobOutcome>;
  logger: Logger;
  /** Jobs at once. */
  concurrency: number;
  /** Visibility timeout in seconds; the heartbeat extends it every third of this. */
  visibilityTimeoutSeconds: number;
  /** Long-poll wait in seconds (SQS allows up to 20). Default 20. */
  waitTimeSeconds?: number;
  /**
   * The queue's redrive maxReceiveCount: the delivery that reaches it is the last before the
   * dead-letter queue, so a retryable failure there fails the video instead.
   */
  maxReceiveCount: number;
  /** Marks a video `failed` with `reason` (a job given up on outside its own run). */
  failJob: (job: QueueMessage, reason: string) => Promise<void>;
  /** How long one receive may keep a message, in seconds. Default 43200, SQS's 12-hour maximum. */
  maxInFlightSeconds?: number;
  /** Backoff after a retryable failure: this many seconds, doubled at each further receive, at most 900. Default 10. */
  backoffBaseSeconds?: number;
}

/** SQS keeps one receive of a message hidden for at most 12 hours (ChangeMessageVisibility fails past it). */
export const SQS_MAX_IN_FLIGHT_SECONDS = 12 * 60 * 60;

/**
 * Long-polls the job queue and runs up to `concurrency` jobs at once. A message is deleted
 * only when its job is done; while it runs a heartbeat keeps it hidden; a retryable failure
 * makes it visible again after a backoff, until its last delivery before the dead-letter queue,
 * which marks the video failed with the last reason; a job that would outlive SQS's 12-hour
 * limit for one receive is stopped and failed rather than restarted elsewhere forever; a
 * message that is not a job is left to the dead-letter queue after its receives run out; a job
 * whose owner, video id or bucket disagree with its key is dropped at once, unrun.
 */
export class JobConsumer {
  readonly #options: JobConsumerOptions;
  readonly #running = new Set<Promise<void>>();
  #stopping = false;
  #pollAbort = new AbortController();
  readonly #jobAbort = new AbortController();
  readonly #stats = { done: 0, failed: 0, released: 0 };
  /** When each running job's message was first sent, for the oldest-message gauge. */
  readonly #sentAt = new Map<string, number>();

  constructor(options: JobConsumerOptions) {
    this.#options = options;
  }

  /** Polls until `stop()`; resolves once polling has stopped (jobs may still be running). */
  async run(): Promise<void> {
    const { sqs, queueUrl, logger } = this.#options;
    while (!this.#stopping) {
      const free = this.#options.concurrency - this.#running.size;
      if (free <= 0) {
        await Promise.race(this.#running);
        continue;
      }
      let messages: Message[] = [];
      try {
        const response = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, free),
            WaitTimeSeconds: this.#options.waitTimeSeconds ?? 20,
            // The heartbeat renews this; a worker that dies lets the message go after it.
            VisibilityTimeout: this.#options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
          { abortSignal: this.#pollAbort.signal },
        );
        messages = response.Messages ?? [];
      } catch (error) {
        if (this.#stopping) break;
        logger.error('receive failed; retrying', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      for (const message of messages) {
        const task = this.#handle(message).finally(() => this.#running.delete(task));
        this.#running.add(task);
      }
    }
  }

  /** Jobs running now. */
  get active(): number {
    return this.#running.size;
  }

  /** Counters and gauges for the health endpoint. */
  stats(now = Date.now()) {
    const oldest = Math.min(...this.#sentAt.values());
    return {
      running: this.#running.size,
      ...this.#stats,
      oldestMessageAgeSeconds: Number.isFinite(oldest) ? Math.round((now - oldest) / 1000) : 0,
      stopping: this.#stopping,
    };
  }

  /**
   * Stops polling and waits up to `drainMs` for running jobs; jobs still running then are
   * cancelled and their messages made visible at once, for another worker.
   */
  async stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    this.#pollAbort.abort();
    const drained = Promise.all(this.#running).then(() => true);
    const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), drainMs).unref());
    if (!(await Promise.race([drained, timedOut]))) {
      this.#jobAbort.abort(new Error('fleet shutting down'));
      await Promise.all(this.#running);
    }
  }

  async #handle(message: Message): Promise<void> {
    const { sqs, queueUrl, logger } = this.#options;
    const receipt = message.ReceiptHandle!;
    const parsed = parseJob(message.Body);
    if (!parsed.success) {
      // Retrying will not fix a malformed message; after maxReceiveCount it lands in the DLQ.
      logger.error('message is not a job (TranscodeJob or ChunkJob); leaving it for the dead-letter queue', {
        messageId: message.MessageId,
        reason: parsed.reason,
      });
      await this.#setVisibility(receipt, 0);
      return;
    }
    const job = parsed.job;
    const mismatch = messageKeyMismatch(job, this.#options.bucket);
    if (mismatch) {
      // Forged or corrupted: running it would read one video's source and write another's
      // outputs. Nothing is written; the message is dropped at its first receive, not retried.
      logger.error('job message does not match its source key; dropped without running', {
        messageId: message.MessageId,
        videoId: job.videoId,
        key: job.key,
        reason: mismatch,
      });
      this.#stats.failed++;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt })).catch((error: unknown) => {
        logger.warn('could not delete the dropped message; it will be seen again', { messageId: message.MessageId, error: String(error) });
      });
      return;
    }
    const messageId = message.MessageId ?? receipt;
    this.#sentAt.set(messageId, Number(message.Attributes?.['SentTimestamp'] ?? Date.now()));
    // Stops this job alone: its message went to another worker, it ran out of SQS's time, or
    // the fleet is shutting down.
    const jobAbort = new AbortController();
    const onShutdown = () => jobAbort.abort(this.#jobAbort.signal.reason);
    this.#jobAbort.signal.addEventListener('abort', onShutdown, { once: true });
    const receivedAt = Date.now();
    const inFlightLimitMs = (this.#options.maxInFlightSeconds ?? SQS_MAX_IN_FLIGHT_SECONDS) * 1000;
    const heartbeatMs = (this.#options.visibilityTimeoutSeconds * 1000) / 3;
    // Set from the heartbeat's callbacks, read once the job has stopped.
    let stopped = null as { kind: 'lost' } | { kind: 'out-of-time'; reason: string } | null;
    const outOfTime = () => {
      if (stopped) return;
      const reason = `processing took longer than ${formatDuration(inFlightLimitMs / 1000)}, the most one job may take (the queue's limit); the video is too long for the fleet`;
      logger.error('job ran out of time for its message; stopping and failing it', { videoId: job.videoId, elapsedSeconds: Math.round((Date.now() - receivedAt) / 1000) });
      stopped = { kind: 'out-of-time', reason };
      jobAbort.abort(new JobError(reason, job.videoId, false));
    };
    const heartbeat = setInterval(() => {
      const left = inFlightLimitMs - (Date.now() - receivedAt);
      // The next beat could not extend it: stop now, while the message is still ours to fail.
      if (left <= heartbeatMs) return outOfTime();
      const seconds = Math.min(this.#options.visibilityTimeoutSeconds, Math.floor(left / 1000));
      this.#setVisibility(receipt, seconds).catch((error: unknown) => {
        const name = (error as { name?: string }).name ?? '';
        if (/beyond the limit/i.test(String((error as { message?: string }).message))) {
          outOfTime();
        } else if (/ReceiptHandleIsInvalid|MessageNotInflight|InvalidParameterValue/.test(name)) {
          // The message is no longer ours: another worker has it. Stop encoding at once.
          logger.warn('message lost to another worker; stopping the job', { videoId: job.videoId, error: String(error) });
          stopped ??= { kind: 'lost' };
          jobAbort.abort(new JobError('message lost to another worker', job.videoId, false));
        } else {
          logger.warn('heartbeat failed', { videoId: job.videoId, error: String(error) });
        }
      });
    }, heartbeatMs);
    const receives = Number(message.Attributes?.['ApproximateReceiveCount'] ?? 1);
    try {
      logger.info('job started', {
        videoId: job.videoId,
        key: job.key,
        ...(job.kind === 'chunk' ? { unit: job.unit.kind === 'audio' ? 'audio' : job.unit.index } : {}),
        receiveCount: message.Attributes?.['ApproximateReceiveCount'],
        // From S3 storing the source to this start: the pipeline's latency.
        sinceUploadMs: Date.now() - Date.parse(job.eventTime),
      });
      const outcome = await this.#options.runJob(job, jobAbort.signal, messageId);
      clearInterval(heartbeat);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
      if (outcome === 'failed') this.#stats.failed++;
      else this.#stats.done++;
      logger.info('job finished', { videoId: job.videoId, outcome });
    } catch (caught) {
      clearInterval(heartbeat);
      const stop = stopped;
      if (stop?.kind === 'lost') {
        this.#stats.released++;
        return;
      }
      const error = stop?.kind === 'out-of-time' ? new JobError(stop.reason, job.videoId, false) : toJobError(caught, job.videoId);
      const shuttingDown = this.#jobAbort.signal.aborted && !stop;
      if (!shuttingDown && (!error.retryable || receives >= this.#options.maxReceiveCount)) {
        await this.#failForGood(job, receipt, error, receives);
        return;
      }
      // Exponential backoff by receive count, capped well inside SQS's 12-hour limit; a job
      // cut short by shutdown goes straight back for another worker.
      const delay = shuttingDown ? 0 : Math.min(900, (this.#options.backoffBaseSeconds ?? 10) * 2 ** (receives - 1));
      logger.error('job released', { videoId: job.videoId, retryInSeconds: delay, receiveCount: receives, error: String(error), cause: String(error.cause) });
      this.#stats.released++;
      await this.#setVisibility(receipt, delay).catch(() => {});
    } finally {
      this.#sentAt.delete(messageId);
      this.#jobAbort.signal.removeEventListener('abort', onShutdown);
    }
  }

  /**
   * Marks the video failed with `error`'s reason. A job that failed for good is deleted; one
   * whose retries ran out goes on to the dead-letter queue (visible now, so the next receive
   * moves it there), where operators see it beside its failed status.
   */
  async #failForGood(job: QueueMessage, receipt: string, error: JobError, receives: number): Promise<void> {
    const { logger } = this.#options;
    const exhausted = error.retryable;
    const reason = exhausted ? `${error.message} (gave up after ${receives} attempts)` : error.message;
    this.#stats.failed++;
    try {
      await this.#options.failJob(job, reason);
    } catch (failure) {
      logger.error('could not mark the video failed', { videoId: job.videoId, reason, error: String(failure) });
    }
    if (exhausted) {
      logger.error('job failed: retries ran out; the message goes to the dead-letter queue', { videoId: job.videoId, receiveCount: receives, reason, cause: String(error.cause) });
      await this.#setVisibility(receipt, 0).catch(() => {});
      return;
    }
    logger.error('job failed', { videoId: job.videoId, reason, cause: String(error.cause) });
    await this.#options.sqs.send(new DeleteMessageCommand({ QueueUrl: this.#options.queueUrl, ReceiptHandle: receipt })).catch((failure: unknown) => {
      logger.warn('could not delete the failed job\'s message; it will be seen again', { videoId: job.videoId, error: String(failure) });
    });
  }

  #setVisibility(receipt: string, seconds: number) {
    return this.#options.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.#options.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: seconds }),
    );
  }
}

function parseJob(body: string | undefined): { success: true; job: QueueMessage } | { success: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { success: false, reason: 'body is not JSON' };
  }
  const result = QueueMessage.safeParse(json);
  return result.success
    ? { success: true, job: result.data }
    : { success: false, reason: describeZodError(result.error) };
}
