import type { ChunkJob, TranscodeJob } from '@hoist/shared';
import { failureDetail, toJobError, JobError } from './job-errors.js';
import type { StatusReporter } from './status-reporter.js';
import type { JobContext, JobOutcome, VideoJobDeps } from './unit-runner.js';

/**
 * Ends a job that threw: stopped from outside (shutdown, the message lost or out of time) goes
 * back to the consumer; a deterministic failure fails the video (once: a status already final
 * stays as it is); anything else is retried.
 */
export async function settleFailure(error: unknown, job: TranscodeJob | ChunkJob, deps: VideoJobDeps, status: StatusReporter, context: JobContext): Promise<JobOutcome> {
  if (context.signal?.aborted) throw new JobError(`job for ${job.videoId} stopped`, job.videoId, true, { cause: context.signal.reason });
  const jobError = toJobError(error, job.videoId);
  if (jobError.retryable) throw jobError;
  await status.set({ state: 'failed', error: jobError.message });
  deps.logger.warn('job failed', { videoId: job.videoId, reason: jobError.message, detail: failureDetail(error) });
  return 'failed';
}
