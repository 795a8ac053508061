import { UnusableMediaError, withoutWorkerPaths } from '../media/unusable-media.js';
import { EncodeError } from '../transcode/encode-failure.js';

/**
 * Why a job stopped. `retryable` decides between releasing the message and failing the video.
 * The message may end up in status.json (as the reason, or as the last one once retries run
 * out), so it never holds a path on the worker.
 */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    message: string,
    readonly videoId: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The one place an error out of a job becomes a JobError. It reads the class the error was given
 * where it happened (UnusableMediaError, EncodeError); anything else is the machine's or the
 * network's (S3, a full disk, a bug) and worth another attempt.
 */
export function toJobError(error: unknown, videoId: string): JobError {
  if (error instanceof JobError) return error;
  if (error instanceof UnusableMediaError) return new JobError(error.message, videoId, false, { cause: error });
  if (error instanceof EncodeError) return new JobError(error.message, videoId, error.retryable, { cause: error });
  return new JobError(transientReason(error), videoId, true, { cause: error });
}

/** A retryable error in words for status.json: what failed, never where on the worker. */
function transientReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC') return "the worker's scratch disk filled up";
  if (typeof error === 'object' && error !== null && '$metadata' in error) {
    return `a storage or queue request failed (${String((error as { name?: unknown }).name ?? 'unknown')})`;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `an error on the worker: ${withoutWorkerPaths(text).slice(0, 200)}`;
}

/** What the logs keep about a failure beyond its reason: ffmpeg's last lines, the cause's stack. */
export function failureDetail(error: unknown): string | undefined {
  if (error instanceof EncodeError) return error.detail;
  if (error instanceof JobError && error.cause instanceof EncodeError) return error.cause.detail;
  return error instanceof Error ? error.stack : undefined;
}
