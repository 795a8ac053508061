import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, backoffDelay, isRetryableApiError, isRetryableStatus, sleep } from './retry.js';

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
