export type UploadErrorCode = 'rejected' | 'part-failed' | 'missing-etag' | 'aborted' | 'stopped' | 'failed';

/** Every failure `upload()` reports, with a closed set of codes a caller can switch on. */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const MISSING_ETAG_MESSAGE =
  'S3 answered the part upload without a readable ETag header. For browsers the bucket CORS rule must ' +
  'include ExposeHeaders: ETag (AWS console: Permissions > CORS, "ExposeHeaders": ["ETag"]).';

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
