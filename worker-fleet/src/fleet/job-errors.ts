/** Why a job stopped. `retryable` decides between releasing the message and failing the video. */
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
