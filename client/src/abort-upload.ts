import type { ApiClient } from './api-client.js';
import { DEFAULT_RETRY, isRetryableApiError, withRetry, type RetryPolicy } from './retry.js';

/**
 * Aborts a multipart upload through the edge, retrying what is worth retrying (no answer, 5xx,
 * throttling): an abort that is given up on leaves its parts at S3, billed, until the bucket's
 * lifecycle rule clears them days later. A refusal (an expired or altered token) fails at once.
 */
export async function abortAtS3(api: ApiClient, uploadToken: string, policy: RetryPolicy = DEFAULT_RETRY): Promise<void> {
  await withRetry(policy, () => api.uploads.abort.mutate({ uploadToken }), { isRetryable: isRetryableApiError });
}
