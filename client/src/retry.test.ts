import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, backoffDelay, isRetryableApiError, isRetryableStatus, sleep, withRetry, type GiveUp, type RetryReport } from './retry.js';

describe('retry policy', () => {
  it('retries server errors, timeouts and throttling, nothing else', () => {
    expect([500, 502, 503, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 403, 404, 409].some(isRetryableStatus)).toBe(false);
  });

  it('retries an edge that did not answer or answered 5xx, never a refusal', () => {
    const answered = (httpStatus: number, code: string) =>
      TRPCClientError.from({ error: { message: code, code: -32000, data: { code, httpStatus } } });
    expect(isRetryableApiError(new TypeError('fetch failed'))).toBe(true);
    expect(isRetryableApiError(TRPCClientError.from(new TypeError('fetch failed')))).toBe(true);
    expect(isRetryableApiError(answered(503, 'INTERNAL_SERVER_ERROR'))).toBe(true);
    expect(isRetryableApiError(answered(401, 'UNAUTHORIZED'))).toBe(false);
    expect(isRetryableApiError(answered(400, 'BAD_REQUEST'))).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 1)).toBe(300);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 1)).toBe(1200);
    expect(backoffDelay(DEFAULT_RETRY, 20, () => 1)).toBe(10_000);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 0)).toBe(0);
  });

  it('sleeps until aborted', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });

  it('ends a backoff early when the connection comes back, and leaves no listener behind', async () => {
    // Counts listeners, so the clean-up is checked rather than assumed.
    class CountingTarget extends EventTarget {
      listeners = 0;
      override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
        this.listeners++;
        super.addEventListener(...args);
      }
      override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
        this.listeners--;
        super.removeEventListener(...args);
      }
    }
    const window = new CountingTarget();
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal, window);
    expect(window.listeners).toBe(1);
    window.dispatchEvent(new Event('online'));
    await expect(sleeping).resolves.toBeUndefined();
    expect(window.listeners).toBe(0);
    // An abort takes its online listener away too.
    const aborting = sleep(60_000, controller.signal, window);
    controller.abort(new Error('stop'));
    await expect(aborting).rejects.toThrow('stop');
    expect(window.listeners).toBe(0);
  });
});

describe('withRetry', () => {
  // Backoffs of 0 ms: the tries follow each other at once.
  const policy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

  /** An operation that throws each of `failures` in turn, then returns 'done'. */
  function failing(...failures: unknown[]) {
    let calls = 0;
    const operation = async () => {
      const failure = failures[calls++];
      if (failure !== undefined) throw failure;
      return 'done';
    };
    return { operation, calls: () => calls };
  }

  it('tries again after a failure, reporting each retry, until the operation succeeds', async () => {
    const { operation, calls } = failing(new Error('one'), new Error('two'));
    const retries: RetryReport[] = [];
    await expect(withRetry(policy, operation, { onRetry: (r) => retries.push(r) })).resolves.toBe('done');
    expect(calls()).toBe(3);
    expect(retries.map(({ error, attempt, delayMs }) => [(error as Error).message, attempt, delayMs])).toEqual([
      ['one', 1, 0],
      ['two', 2, 0],
    ]);
  });

  it('gives up after the policy\'s tries with the last failure, or what failWith makes of it', async () => {
    const errors = [new Error('1'), new Error('2'), new Error('3'), new Error('4')];
    await expect(withRetry(policy, failing(...errors).operation)).rejects.toBe(errors[2]);
    const failWith = ({ error, tries, exhausted }: GiveUp) =>
      new Error(`${exhausted ? 'exhausted' : 'refused'} after ${tries}: ${(error as Error).message}`);
    await expect(withRetry(policy, failing(...errors).operation, { failWith })).rejects.toThrow('exhausted after 3: 3');
  });

  it('stops at the first failure not worth retrying, whatever tries are left', async () => {
    const { operation, calls } = failing(new Error('retryable'), new Error('final'));
    const retries: RetryReport[] = [];
    const attempt = withRetry(policy, operation, {
      isRetryable: (error) => (error as Error).message === 'retryable',
      onRetry: (r) => retries.push(r),
      failWith: ({ error, tries, exhausted }) => ({ error, tries, exhausted }),
    });
    await expect(attempt).rejects.toEqual({ error: new Error('final'), tries: 2, exhausted: false });
    expect(calls()).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('tries again at once after an interruption, neither counting it nor reporting it as a retry', async () => {
    const interrupted = Symbol('interrupted');
    const { operation, calls } = failing(interrupted, new Error('a'), interrupted, interrupted, new Error('b'), interrupted, new Error('c'));
    const retries: RetryReport[] = [];
    const attempt = withRetry(policy, operation, {
      isInterruption: (error) => error === interrupted,
      onRetry: (r) => retries.push(r),
      failWith: ({ tries }) => new Error(`failed after ${tries} tries`),
    });
    await expect(attempt).rejects.toThrow('failed after 3 tries');
    expect(calls()).toBe(7);
    expect(retries.map((r) => [(r.error as Error).message, r.attempt])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('rejects with the signal\'s reason when aborted during a backoff, and tries no more', async () => {
    const controller = new AbortController();
    const { operation, calls } = failing(new Error('one'), new Error('two'));
    const attempt = withRetry({ ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000 }, operation, {
      signal: controller.signal,
      onRetry: () => controller.abort(new Error('stopped')),
    });
    await expect(attempt).rejects.toThrow('stopped');
    expect(calls()).toBe(1);
  });

  it('still makes its first try when the signal is already aborted: only backoffs heed it', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const { operation, calls } = failing();
    await expect(withRetry(policy, operation, { signal: controller.signal })).resolves.toBe('done');
    expect(calls()).toBe(1);
  });
});
