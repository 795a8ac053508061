import type { ApiClient } from './api-client.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableApiError, sleep, type RetryPolicy } from './retry.js';

/**
 * Aborts a multipart upload through the edge, retrying what is worth retrying (no answer, 5xx,
 * throttling): an abort that is given up on leaves its parts at S3, billed, until the bucket's
 * lifecycle rule clears them days later. A refusal (an expired or altered token) fails at once.
 */
export async function abortAtS3(api: ApiClient, uploadToken: string, policy: RetryPolicy = DEFAULT_RETRY): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api.uploads.abort.mutate({ uploadToken });
      return;
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryableApiError(error)) throw error;
      await sleep(backoffDelay(policy, attempt));
    }
  }
}
