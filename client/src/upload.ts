import { MAX_SIGN_BATCH, partRange, type CompletedPart, type SignedPart } from '@hoist/shared';
import type { ApiClient } from './api-client.js';
import type { PartSource } from './part-source.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableStatus, sleep, type RetryPolicy } from './retry.js';
import { MISSING_ETAG_MESSAGE, UploadError } from './upload-errors.js';

export interface UploadProgress {
  loaded: number;
  total: number;
  partsDone: number;
  partCount: number;
  /** Average bytes per second since the upload began. */
  bytesPerSecond: number;
}

export interface UploadOptions {
  api: ApiClient;
  /** Parts in flight at once. Default 4. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Aborting stops in-flight requests and aborts the multipart upload. */
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** Fetch used for part PUTs; defaults to the global one. */
  fetch?: typeof fetch;
}

export interface UploadResult {
  videoId: string;
  size: number;
  etag: string;
}

/** Part URLs are re-signed when they have less than this left. */
const URL_REFRESH_MARGIN_MS = 60_000;

/**
 * Uploads `source` through the edge: create, part URLs signed in batches just ahead of need,
 * parts PUT in parallel with retries, each part's real ETag read from S3's response, complete.
 */
export async function upload(source: PartSource, options: UploadOptions): Promise<UploadResult> {
  const { api, signal } = options;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  signal?.throwIfAborted();
  // Stops every part at the first failure, as well as on the caller's abort.
  const stopParts = new AbortController();
  const onCallerAbort = () => stopParts.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  const created = await api.uploads.create
    .mutate({ fileName: source.name, size: source.size, contentType: source.type }, { signal })
    .catch((error: unknown) => {
      throw new UploadError('rejected', `the edge refused the upload: ${messageOf(error)}`, { cause: error });
    });
  const plan = { partSize: created.partSize, partCount: created.partCount };
  const urls = new Map<number, SignedPart>();
  const etags = new Map<number, string>();
  let signing: Promise<void> | undefined;
  let loaded = 0;
  const started = Date.now();

  const signFrom = async (first: number) => {
    const partNumbers: number[] = [];
    for (let n = first; n <= plan.partCount && partNumbers.length < MAX_SIGN_BATCH; n++) {
      if (!etags.has(n)) partNumbers.push(n);
    }
    const { parts } = await api.uploads.signParts.mutate(
      { uploadToken: created.uploadToken, parts: partNumbers.map((partNumber) => ({ partNumber })) },
      { signal },
    );
    for (const part of parts) urls.set(part.partNumber, part);
  };

  const urlFor = async (partNumber: number): Promise<SignedPart> => {
    for (;;) {
      const known = urls.get(partNumber);
      if (known && Date.parse(known.expiresAt) - Date.now() > URL_REFRESH_MARGIN_MS) return known;
      // One signing request at a time; others wait for it and look again.
      if (!signing) signing = signFrom(partNumber).finally(() => (signing = undefined));
      await signing;
    }
  };

  const putPart = async (partNumber: number): Promise<void> => {
    const { start, end } = partRange(plan, source.size, partNumber);
    const body = await source.read(start, end);
    for (let attempt = 1; ; attempt++) {
      const signed = await urlFor(partNumber);
      let failure: string;
      try {
        const response = await doFetch(signed.url, { method: 'PUT', body, headers: signed.headers, signal: stopParts.signal });
        if (response.ok) {
          const etag = response.headers.get('etag');
          await response.body?.cancel();
          if (!etag) throw new UploadError('missing-etag', MISSING_ETAG_MESSAGE);
          etags.set(partNumber, etag);
          loaded += body.length;
          return;
        }
        const text = await response.text().catch(() => '');
        const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '';
        failure = `HTTP ${response.status}${code ? ` ${code}` : ''}`;
        if (code === 'AccessDenied' && /expired/i.test(text)) urls.delete(partNumber);
        else if (!isRetryableStatus(response.status)) {
          throw new UploadError('part-failed', `part ${partNumber} was refused by S3: ${failure}`);
        }
      } catch (error) {
        if (error instanceof UploadError) throw error;
        if (stopParts.signal.aborted) throw error;
        failure = messageOf(error);
      }
      if (attempt >= retry.attempts) {
        throw new UploadError('part-failed', `part ${partNumber} failed after ${attempt} tries: ${failure}`);
      }
      await sleep(backoffDelay(retry, attempt), stopParts.signal);
    }
  };

  let next = 1;
  const worker = async () => {
    while (next <= plan.partCount && !stopParts.signal.aborted) {
      const partNumber = next++;
      await putPart(partNumber);
      options.onProgress?.({
        loaded,
        total: source.size,
        partsDone: etags.size,
        partCount: plan.partCount,
        bytesPerSecond: loaded / Math.max(0.001, (Date.now() - started) / 1000),
      });
    }
  };

  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, plan.partCount) }, () =>
        worker().catch((error: unknown) => {
          stopParts.abort(error);
          throw error;
        }),
      ),
    );
    const parts: CompletedPart[] = Array.from({ length: plan.partCount }, (_, i) => ({ partNumber: i + 1, etag: etags.get(i + 1)! }));
    return await api.uploads.complete.mutate({ uploadToken: created.uploadToken, parts });
  } catch (error) {
    if (signal?.aborted) {
      await api.uploads.abort.mutate({ uploadToken: created.uploadToken }).catch(() => {});
      throw new UploadError('aborted', 'upload aborted; the parts already stored were discarded', { cause: error });
    }
    throw error instanceof UploadError ? error : new UploadError('rejected', messageOf(error), { cause: error });
  } finally {
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
