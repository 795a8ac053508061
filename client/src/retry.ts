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

/** A failed try that will be made again, as `onRetry` reports it. */
export interface RetryReport {
  error: unknown;
  /** The try that failed (1-based). */
  attempt: number;
  /** The backoff before the next try. */
  delayMs: number;
}

/** The failure `withRetry` gives up on, for `failWith`. */
export interface GiveUp {
  error: unknown;
  /** Tries made, interruptions not counted. */
  tries: number;
  /** The failure was worth another try, but the policy's tries were used up. */
  exhausted: boolean;
}

export interface RetryOptions {
  /**
   * Cuts a backoff short: `withRetry` rejects with its reason. Neither the operation nor the
   * start of a try looks at it; cancelling those is the caller's choice (creating an upload, for
   * one, must finish even while an abort is under way, so the upload can be aborted).
   */
  signal?: AbortSignal;
  /** Whether a failure is worth another try. Default: every failure is. */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Whether a failure only interrupted the try (a pause): it is made again at once, without a
   * backoff, and is not counted. The operation waits out what interrupted it (the pause) itself.
   * Default: none is.
   */
  isInterruption?: (error: unknown) => boolean;
  /** Called before each backoff. */
  onRetry?: (retry: RetryReport) => void;
  /** What to reject with when giving up. Default: the failure itself. */
  failWith?: (failure: GiveUp) => unknown;
}

/**
 * Runs `operation` until it succeeds, a failure is not worth retrying, or the policy's tries are
 * used up, backing off (`backoffDelay`, `sleep`) between tries.
 */
export async function withRetry<T>(policy: RetryPolicy, operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { signal, isRetryable = () => true, isInterruption = () => false, onRetry, failWith = ({ error }) => error } = options;
  for (let tries = 1; ; ) {
    try {
      return await operation();
    } catch (error) {
      if (isInterruption(error)) continue;
      const retryable = isRetryable(error);
      if (!retryable || tries >= policy.attempts) throw failWith({ error, tries, exhausted: retryable });
      const delayMs = backoffDelay(policy, tries);
      onRetry?.({ error, attempt: tries, delayMs });
      tries++;
      await sleep(delayMs, signal);
    }
  }
}
