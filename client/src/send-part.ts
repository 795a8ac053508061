import type { PartSource } from './part-source.js';
import type { PartUrls } from './part-urls.js';
import { classifyPutResponse } from './put-response.js';
import { isRetryableApiError, withRetry, type RetryPolicy } from './retry.js';
import type { PartBody, PartTransport } from './transport/part-transport.js';
import { UploadError, messageOf } from './upload-errors.js';

/** The abort reason of a part attempt dropped by a pause: made again on resume, not counted as a try. */
export const PAUSED = Symbol('paused');

export interface PreparedPart {
  partNumber: number;
  start: number;
  end: number;
  /** Dropped once every byte is sent; read again only for a retry. */
  body: Uint8Array<ArrayBuffer> | undefined;
  checksum: string | undefined;
}

/** What sending a part shares with the upload it belongs to. */
export interface PartSending {
  source: PartSource;
  transport: PartTransport;
  urls: PartUrls;
  retry: RetryPolicy;
  /** A part attempt that sends nothing for this long is dropped and retried. */
  stallMs: number;
  /** Aborted by a stop, an abort or the first failure: no new attempt starts. */
  halt: AbortSignal;
  /** While the upload is paused, settles when it continues; otherwise undefined. */
  paused(): Promise<void> | undefined;
  /** Each attempt's controller while it runs, so a pause, stop or abort can drop it. */
  attempts: Set<AbortController>;
  /** Part requests still in flight, so an abort can wait for them to end before S3 is told. */
  inFlight: Set<Promise<unknown>>;
  onRetry(partNumber: number, attempt: number, reason: string): void;
}

/** A failed try worth another; its message is the reason the 'retry' event and the final error give. */
class RetryablePartFailure extends Error {}

/** PUTs one part until S3 takes it; returns its ETag. Pauses wait; retryable failures back off. */
export function sendPart(part: PreparedPart, sending: PartSending, onBytes: (sent: number) => void): Promise<string> {
  const { partNumber } = part;
  return withRetry(sending.retry, () => tryPart(part, sending, onBytes), {
    signal: sending.halt,
    isRetryable: (error) => error instanceof RetryablePartFailure,
    isInterruption: (error) => error === PAUSED,
    onRetry: ({ error, attempt }) => sending.onRetry(partNumber, attempt, messageOf(error)),
    failWith: ({ error, tries, exhausted }) =>
      exhausted ? new UploadError('part-failed', `part ${partNumber} failed after ${tries} tries: ${messageOf(error)}`) : error,
  });
}

/**
 * One try: waits out a pause, gets the part's URL and PUTs its bytes. Throws `PAUSED` when a
 * pause drops it, a `RetryablePartFailure` when it is worth another try, anything else when the
 * part has failed for good (or the upload was stopped).
 */
async function tryPart(part: PreparedPart, sending: PartSending, onBytes: (sent: number) => void): Promise<string> {
  const { partNumber, checksum } = part;
  const { source, urls, halt, stallMs } = sending;
  const gate = sending.paused();
  if (gate) await gate;
  if (halt.aborted) throw halt.reason;
  // The edge may be out of reach for a moment too: signing is retried like the PUT itself.
  const signing = await urls.get(partNumber, checksum).then(
    (signed) => ({ signed }),
    (error: unknown) => ({ error }),
  );
  if ('error' in signing) {
    if (halt.aborted) throw halt.reason;
    if (!isRetryableApiError(signing.error)) throw signing.error;
    throw new RetryablePartFailure(`signing its URL failed: ${messageOf(signing.error)}`);
  }
  const { signed } = signing;
  // A file's slice goes as it is; bytes in memory otherwise, read again for a retry after
  // the buffer was let go.
  let body: PartBody | undefined = source.slice?.(part.start, part.end) ?? part.body ?? (await source.read(part.start, part.end));
  // Stopped or aborted while the URL or the bytes were on their way: no new PUT may start, as
  // an abort waits only for the PUTs already under way before S3 drops the upload.
  if (sending.paused()) throw PAUSED;
  if (halt.aborted) throw halt.reason;
  const controller = new AbortController();
  sending.attempts.add(controller);
  const stalled = () => controller.abort(new Error(`no progress for ${stallMs / 1000} s`));
  let stall = setTimeout(stalled, stallMs);
  let failure: string;
  try {
    const putting = sending.transport.put({
      url: signed.url,
      headers: signed.headers,
      body: body!,
      signal: controller.signal,
      onBytes: (sent) => {
        clearTimeout(stall);
        stall = setTimeout(stalled, stallMs);
        onBytes(sent);
      },
    });
    // Only the transport holds the bytes now, and only until they are sent.
    body = undefined;
    sending.inFlight.add(putting);
    const response = await putting.finally(() => sending.inFlight.delete(putting));
    const verdict = classifyPutResponse(partNumber, response);
    if (verdict.kind === 'stored') return verdict.etag;
    if (verdict.kind === 'refused') throw verdict.error;
    if (verdict.urlExpired) urls.invalidate(partNumber);
    failure = verdict.failure;
  } catch (error) {
    if (error instanceof UploadError) throw error;
    if (controller.signal.reason === PAUSED) {
      onBytes(0);
      throw PAUSED;
    }
    if (halt.aborted) throw halt.reason;
    failure = controller.signal.aborted ? messageOf(controller.signal.reason) : messageOf(error);
  } finally {
    clearTimeout(stall);
    sending.attempts.delete(controller);
  }
  onBytes(0);
  throw new RetryablePartFailure(failure);
}
