import { TRPCClientError } from '@trpc/client';

export interface RetryPolicy {
  /** Tries per part, the first included. Default 5. */
  attempts: number;
  /** First backoff in ms; doubled each retry, with full jitter. Default 300. */
  baseDelayMs: number;
  /** Longest backoff in ms. Default 10,000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 300, maxDelayMs: 10_000 };

/** Whether an HTTP status is worth retrying: server errors, timeouts and throttling. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Whether a failed call to the edge is worth retrying: no answer at all (the network), or an
 * answer whose status is. A refusal (bad input, an expired token) is final.
 */
export function isRetryableApiError(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return true;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
  return status === undefined || isRetryableStatus(status);
}

/** Delay before retry number `retry` (1-based): exponential with full jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * cap);
}

/** Where a browser announces that the network is back; none in Node. */
function connectivityEvents(): EventTarget | undefined {
  const target = (globalThis as { window?: unknown }).window;
  return target instanceof EventTarget ? target : undefined;
}

/**
 * Resolves after `ms`, or early when `wakeOn` fires `online` (in a browser, the window: a retry
 * waiting out its backoff goes as soon as the connection is back); rejects at once when `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal, wakeOn: EventTarget | undefined = connectivityEvents()): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      wakeOn?.removeEventListener('online', onOnline);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const onOnline = () => {
      done();
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    wakeOn?.addEventListener('online', onOnline, { once: true });
  });
}
