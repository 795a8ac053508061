import { TRPCClientError } from '@trpc/client';
import { partRange, type CompletedPart, type CreateUploadOutput, type StoredPart } from '@hoist/shared';
import type { ApiClient } from './api-client.js';
import { fingerprintSource } from './fingerprint.js';
import type { PartSource } from './part-source.js';
import { abortAtS3 } from './abort-upload.js';
import { PartUrls } from './part-urls.js';
import { ProgressMeter, type UploadProgress } from './progress-meter.js';
import { memoryResumeStore, type ResumeState, type ResumeStore } from './resume/resume-state.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableApiError, isRetryableStatus, sleep, type RetryPolicy } from './retry.js';
import { ReadAhead, readPart, type PartHasher } from './read-ahead.js';
import { compositeSha256, sha256 } from './sha256.js';
import type { PartBody, PartTransport } from './transport/part-transport.js';
import { MISSING_ETAG_MESSAGE, UploadError } from './upload-errors.js';

export interface UploadOptions {
  api: ApiClient;
  /** The API's base URL; resume states are kept per endpoint. */
  endpoint: string;
  transport: PartTransport;
  /** Where progress is kept for resume. Default: memory (this process only). */
  resumeStore?: ResumeStore;
  /** Parts in flight at once. Default 4. */
  concurrency?: number;
  /** Sign each part's SHA-256 into its URL so S3 refuses corrupted parts. Default true. */
  checksums?: boolean;
  /**
   * Computes a part's SHA-256. Default: WebCrypto, which works everywhere but copies each part
   * before hashing it; `uploadFile` in Node passes node:crypto's, which hashes the buffer in place.
   */
  sha256?: PartHasher;
  retry?: Partial<RetryPolicy>;
  /** A part attempt that sends nothing for this long is dropped and retried. Default 30 s. */
  stallTimeoutMs?: number;
  /** A URL with less than this left is re-signed before use. Default 60 s. */
  urlRefreshMarginMs?: number;
  /** Aborting stops every request and aborts the multipart upload: nothing is kept. */
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** Least time between progress events. Default 250 ms. */
  progressIntervalMs?: number;
  /** Notable moments, for logs: a resume, a retry, a re-signed URL. */
  onEvent?: (event: UploadEvent) => void;
}

export type UploadEvent =
  | { kind: 'created'; videoId: string; partCount: number; partSize: number }
  /** Continuing an upload S3 already holds `partsAlreadyStored` parts of (as ListParts reports). */
  | { kind: 'resumed'; videoId: string; partsAlreadyStored: number }
  | { kind: 'retry'; partNumber: number; attempt: number; reason: string }
  | { kind: 'paused' }
  | { kind: 'continued' };

export interface UploadResult {
  videoId: string;
  size: number;
  etag: string;
  /**
   * The file's SHA-256 (base64), which S3 verified: set for a single-part upload, whose one part
   * is the whole file. Absent for a multipart upload (see `compositeSha256`) or without checksums.
   */
  sha256?: string;
  /**
   * A multipart upload's checksum as S3 states it (base64): the SHA-256 of the parts' SHA-256s in
   * order, then `-<number of parts>`. It identifies this split into parts, and is not the file's SHA-256.
   */
  compositeSha256?: string;
  /** Parts sent by this run; fewer than `partCount` after a resume. */
  partsSent: number;
  partCount: number;
  resumed: boolean;
}

const PAUSED = Symbol('paused');

interface PreparedPart {
  partNumber: number;
  start: number;
  end: number;
  /** Dropped once every byte is sent; read again only for a retry. */
  body: Uint8Array<ArrayBuffer> | undefined;
  checksum: string | undefined;
}

/**
 * One upload: create (or resume), parts in parallel with retries, complete. Control it with
 * `pause()`, `resume()` and `abort()`; `done` settles when it is finished or has failed. A
 * failed or paused upload keeps its resume state, so running it again continues it.
 */
export class Upload {
  readonly done: Promise<UploadResult>;
  readonly #source: PartSource;
  readonly #options: UploadOptions;
  readonly #store: ResumeStore;
  /** Aborted by `abort()`: the upload is discarded. */
  readonly #stop = new AbortController();
  /** Aborted by `abort()` or the first failure: every worker stops. */
  readonly #halt = new AbortController();
  readonly #attempts = new Set<AbortController>();
  /** Part requests still in flight, so an abort can wait for them to end before S3 is told. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #gate: { promise: Promise<void>; open: () => void } | undefined;
  #aborting: Promise<void> | undefined;
  #discarded = false;
  #state: ResumeState | undefined;
  #stateKey = '';

  constructor(source: PartSource, options: UploadOptions) {
    this.#source = source;
    this.#options = options;
    this.#store = options.resumeStore ?? memoryResumeStore();
    const onCallerAbort = () => void this.abort();
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    this.done = this.#run().finally(() => options.signal?.removeEventListener('abort', onCallerAbort));
    // Callers that only use events must not see an unhandled rejection.
    this.done.catch(() => {});
  }

  get paused(): boolean {
    return this.#gate !== undefined;
  }

  /** Stops sending: parts in flight are dropped (and sent again on resume). */
  pause(): void {
    if (this.#gate || this.#halt.signal.aborted) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.#gate = { promise, open };
    for (const attempt of this.#attempts) attempt.abort(PAUSED);
    this.#options.onEvent?.({ kind: 'paused' });
  }

  resume(): void {
    const gate = this.#gate;
    if (!gate) return;
    this.#gate = undefined;
    gate.open();
    this.#options.onEvent?.({ kind: 'continued' });
  }

  /**
   * Stops for now and keeps what was sent: requests end, `done` rejects with code `stopped`,
   * and running the same upload again resumes it (what the CLI does on Ctrl-C).
   */
  async stop(): Promise<void> {
    if (!this.#halt.signal.aborted) this.#halt.abort(new UploadError('stopped', 'upload stopped; run it again to resume'));
    for (const attempt of this.#attempts) attempt.abort(this.#halt.signal.reason);
    this.#gate?.open();
    await Promise.allSettled([...this.#inFlight]);
    await this.done.catch(() => {});
  }

  /** Stops everything, aborts the multipart upload so S3 drops its parts, and forgets the resume state. */
  abort(): Promise<void> {
    this.#aborting ??= (async () => {
      this.#stop.abort(new UploadError('aborted', 'upload aborted'));
      this.#halt.abort(this.#stop.signal.reason);
      // Requests in flight are dropped rather than waited for: a part S3 never answers would
      // otherwise hold Cancel up until the stall timeout.
      for (const attempt of this.#attempts) attempt.abort(this.#stop.signal.reason);
      this.#gate?.open();
      // A part S3 receives after the abort would outlive it: every request ends first.
      await Promise.allSettled([...this.#inFlight]);
      await this.#discard();
    })();
    return this.#aborting;
  }

  /**
   * Aborts the multipart upload at S3 and forgets the saved state, once. Called by `abort()`,
   * and again when the run ends, for an upload that was created while the abort was under way.
   */
  async #discard(): Promise<void> {
    const state = this.#state;
    if (!state || this.#discarded) return;
    this.#discarded = true;
    await abortAtS3(this.#options.api, state.uploadToken, { ...DEFAULT_RETRY, ...this.#options.retry }).catch(() => {});
    await this.#store.remove(this.#stateKey);
  }

  async #run(): Promise<UploadResult> {
    try {
      return await this.#upload();
    } catch (error) {
      if (this.#stop.signal.aborted) {
        await this.#aborting;
        await this.#discard();
        throw new UploadError('aborted', 'upload aborted; S3 discarded the parts already sent', { cause: error });
      }
      const reason: unknown = this.#halt.signal.reason;
      if (reason instanceof UploadError && reason.code === 'stopped') throw reason;
      throw error instanceof UploadError ? error : new UploadError('failed', messageOf(error), { cause: error });
    }
  }

  async #upload(): Promise<UploadResult> {
    const source = this.#source;
    const checksums = this.#options.checksums ?? true;
    if (this.#options.sha256 !== undefined && typeof this.#options.sha256 !== 'function') {
      // Checked before anything is created, so a bad option leaves no upload behind at S3.
      throw new UploadError('failed', 'the sha256 option must be a function from a part\'s bytes to its 32-byte SHA-256');
    }
    this.#stateKey = await fingerprintSource(source, this.#options.endpoint);
    const resumed = await this.#resumeState(checksums);
    const concurrency = Math.max(1, this.#options.concurrency ?? 4);
    // A new upload's first parts are read and hashed while the edge creates it.
    const hasher = checksums ? (this.#options.sha256 ?? sha256) : undefined;
    const ahead = resumed ? undefined : new ReadAhead(source, concurrency, hasher);
    try {
      const state = resumed ?? (await this.#createState(checksums));
      return await this.#sendAndComplete(state, resumed !== null, concurrency, ahead, hasher);
    } finally {
      ahead?.discard();
    }
  }

  async #sendAndComplete(
    state: ResumeState,
    resumed: boolean,
    concurrency: number,
    ahead: ReadAhead | undefined,
    hasher: PartHasher | undefined,
  ): Promise<UploadResult> {
    const source = this.#source;
    const { api } = this.#options;
    this.#state = state;
    if (this.#stop.signal.aborted) throw this.#stop.signal.reason;

    const plan = { partSize: state.partSize, partCount: state.partCount };
    const todo = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !state.parts[n]);
    let next = 0;
    const sending = new Map<number, number>();
    let doneBytes = todo.length === plan.partCount ? 0 : source.size - todo.reduce((sum, n) => sum + size(n), 0);
    const meter = new ProgressMeter(this.#options.onProgress, this.#options.progressIntervalMs ?? 250);
    const report = (force = false) => {
      let inFlight = 0;
      for (const sent of sending.values()) inFlight += sent;
      meter.update(doneBytes + inFlight, source.size, Object.keys(state.parts).length, plan.partCount, force);
    };
    function size(n: number) {
      const { start, end } = partRange(plan, source.size, n);
      return end - start;
    }
    const urls = new PartUrls(
      api,
      state.uploadToken,
      this.#options.urlRefreshMarginMs ?? 60_000,
      () => todo.slice(next),
      this.#halt.signal,
    );
    report(true);

    /** Reads a part and its checksum, and asks for its URL (which is then on its way). */
    const prepare = async (partNumber: number): Promise<PreparedPart> => {
      const { start, end } = partRange(plan, source.size, partNumber);
      const { body, checksum } = await (ahead?.take(partNumber, start, end) ?? readPart(source, start, end, hasher));
      const part: PreparedPart = { partNumber, start, end, body, checksum };
      urls.get(partNumber, checksum).catch(() => {});
      return part;
    };
    let saving: Promise<void> = Promise.resolve();
    const worker = async () => {
      let prepared = next < todo.length ? prepare(todo[next++]!) : undefined;
      while (prepared && !this.#halt.signal.aborted) {
        const part = await prepared;
        prepared = undefined;
        // Once S3 has every byte of this part, the next one is read, hashed and signed while
        // S3 stores this one. The buffer is let go first, so memory stays at one part per slot.
        const sendingDone = this.#sendPart(part, urls, (sent) => {
          sending.set(part.partNumber, sent);
          // Bytes dropped (a pause or a failed attempt) are shown at once, not at the next tick.
          report(sent === 0);
          if (sent === part.end - part.start && part.body) {
            source.release?.(part.body);
            part.body = undefined;
            if (!prepared && next < todo.length && !this.#halt.signal.aborted) prepared = prepare(todo[next++]!);
          }
        });
        const etag = await sendingDone;
        sending.delete(part.partNumber);
        doneBytes += part.end - part.start;
        state.parts[part.partNumber] = part.checksum ? { etag, checksum: part.checksum } : { etag };
        // Saved in order, without holding the next part up.
        saving = saving.then(() => this.#store.save(this.#stateKey, state));
        // A finished part always shows, even when no byte follows it soon (the others stalled).
        report(true);
        if (!prepared && next < todo.length) prepared = prepare(todo[next++]!);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, () =>
        worker().catch((error: unknown) => {
          // The first failure stops the others; what they sent stays saved for a resume.
          if (!this.#halt.signal.aborted) this.#halt.abort(error);
          for (const attempt of this.#attempts) attempt.abort(error);
          throw error;
        }),
      ),
    );
    if (this.#stop.signal.aborted) throw this.#stop.signal.reason;
    await saving;
    report(true);

    const parts: CompletedPart[] = Array.from({ length: plan.partCount }, (_, i) => {
      const saved = state.parts[i + 1]!;
      return { partNumber: i + 1, etag: saved.etag, ...(saved.checksum ? { checksum: saved.checksum } : {}) };
    });
    const completed = await api.uploads.complete.mutate({ uploadToken: state.uploadToken, parts }, { signal: this.#stop.signal });
    await this.#store.remove(this.#stateKey);
    const digests = parts.map((p) => p.checksum).filter((c): c is string => c !== undefined);
    const checksum =
      digests.length !== parts.length ? {} : state.mode === 'single' ? { sha256: digests[0]! } : { compositeSha256: await compositeSha256(digests) };
    return {
      videoId: completed.videoId,
      size: completed.size,
      etag: completed.etag,
      ...checksum,
      partsSent: todo.length,
      partCount: plan.partCount,
      resumed,
    };
  }

  /** PUTs one part until S3 takes it; returns its ETag. Pauses wait; retryable failures back off. */
  async #sendPart(part: PreparedPart, urls: PartUrls, onBytes: (sent: number) => void): Promise<string> {
    const { partNumber, checksum } = part;
    const retry = { ...DEFAULT_RETRY, ...this.#options.retry };
    const stallMs = this.#options.stallTimeoutMs ?? 30_000;
    for (let attempt = 1; ; ) {
      if (this.#gate) await this.#gate.promise;
      if (this.#halt.signal.aborted) throw this.#halt.signal.reason;
      // The edge may be out of reach for a moment too: signing is retried like the PUT itself.
      const signing = await urls.get(partNumber, checksum).then(
        (signed) => ({ signed }),
        (error: unknown) => ({ error }),
      );
      if ('error' in signing) {
        if (this.#halt.signal.aborted) throw this.#halt.signal.reason;
        if (!isRetryableApiError(signing.error)) throw signing.error;
        await this.#backOff(partNumber, attempt++, `signing its URL failed: ${messageOf(signing.error)}`, retry);
        continue;
      }
      const { signed } = signing;
      // A file's slice goes as it is; bytes in memory otherwise, read again for a retry after
      // the buffer was let go.
      let body: PartBody | undefined = this.#source.slice?.(part.start, part.end) ?? part.body ?? (await this.#source.read(part.start, part.end));
      // Stopped or aborted while the URL or the bytes were on their way: no new PUT may start, as
      // an abort waits only for the PUTs already under way before S3 drops the upload.
      if (this.#gate) continue;
      if (this.#halt.signal.aborted) throw this.#halt.signal.reason;
      const controller = new AbortController();
      this.#attempts.add(controller);
      let stall = setTimeout(() => controller.abort(new Error(`no progress for ${stallMs / 1000} s`)), stallMs);
      let failure: string;
      try {
        const sending = this.#options.transport.put({
          url: signed.url,
          headers: signed.headers,
          body: body!,
          signal: controller.signal,
          onBytes: (sent) => {
            clearTimeout(stall);
            stall = setTimeout(() => controller.abort(new Error(`no progress for ${stallMs / 1000} s`)), stallMs);
            onBytes(sent);
          },
        });
        // Only the transport holds the bytes now, and only until they are sent.
        body = undefined;
        this.#inFlight.add(sending);
        const response = await sending.finally(() => this.#inFlight.delete(sending));
        if (response.status >= 200 && response.status < 300) {
          if (!response.etag) throw new UploadError('missing-etag', MISSING_ETAG_MESSAGE);
          return response.etag;
        }
        const code = /<Code>([^<]*)<\/Code>/.exec(response.text)?.[1] ?? '';
        failure = `HTTP ${response.status}${code ? ` ${code}` : ''}`;
        if (response.status === 403 && /Request has expired/i.test(response.text)) {
          urls.invalidate(partNumber);
        } else if (code === 'BadDigest') {
          // S3 got other bytes than were hashed: damaged on the way (sent again, read anew), or
          // the file is changing on disk (every try fails, and the message says so).
          failure += ' (the bytes S3 received do not match the part\'s checksum: damaged on the way, or the file changed on disk)';
        } else if (!isRetryableStatus(response.status)) {
          throw new UploadError('part-failed', `part ${partNumber} was refused by S3: ${failure}${code === 'SignatureDoesNotMatch' ? ' (the part changed on disk, or a proxy altered it)' : ''}`);
        }
      } catch (error) {
        if (error instanceof UploadError) throw error;
        if (controller.signal.reason === PAUSED) {
          onBytes(0);
          continue;
        }
        if (this.#halt.signal.aborted) throw this.#halt.signal.reason;
        failure = controller.signal.aborted ? messageOf(controller.signal.reason) : messageOf(error);
      } finally {
        clearTimeout(stall);
        this.#attempts.delete(controller);
      }
      onBytes(0);
      await this.#backOff(partNumber, attempt++, failure, retry);
    }
  }

  /** Waits before try `attempt + 1` of a part, or fails it when the tries are used up. */
  async #backOff(partNumber: number, attempt: number, failure: string, retry: RetryPolicy): Promise<void> {
    if (attempt >= retry.attempts) {
      throw new UploadError('part-failed', `part ${partNumber} failed after ${attempt} tries: ${failure}`);
    }
    this.#options.onEvent?.({ kind: 'retry', partNumber, attempt, reason: failure });
    await sleep(backoffDelay(retry, attempt), this.#halt.signal);
  }

  /**
   * A saved state this upload can continue, or null. What S3 holds comes from ListParts, never
   * from the saved record of finished parts: a part S3 lost or never stored is sent again, and a
   * part it holds is not, even if the record of it was lost. The record only fills in a checksum
   * S3 does not report (a single PUT's, which HeadObject leaves out).
   */
  async #resumeState(checksums: boolean): Promise<ResumeState | null> {
    const saved = await this.#store.load(this.#stateKey);
    const source = this.#source;
    const usable =
      saved &&
      saved.endpoint === this.#options.endpoint &&
      saved.size === source.size &&
      saved.checksums === checksums &&
      Date.parse(saved.expiresAt) - Date.now() > 10 * 60_000;
    if (!saved || !usable) {
      if (saved) await this.#store.remove(this.#stateKey);
      return null;
    }
    let held: StoredPart[];
    try {
      ({ parts: held } = await this.#options.api.uploads.listParts.query({ uploadToken: saved.uploadToken }, { signal: this.#stop.signal }));
    } catch (error) {
      if (error instanceof TRPCClientError && ['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST'].includes(String(error.data?.code))) {
        // The upload is gone or no longer ours: start afresh.
        await this.#store.remove(this.#stateKey);
        return null;
      }
      throw error;
    }
    const kept: ResumeState['parts'] = {};
    for (const part of held) {
      const expectedSize = Math.min(saved.partSize, saved.size - (part.partNumber - 1) * saved.partSize);
      if (part.partNumber > saved.partCount || part.size !== expectedSize) continue;
      const etag = part.etag.replace(/"/g, '');
      const recorded = saved.parts[part.partNumber];
      const checksum = part.checksum ?? (recorded && recorded.etag.replace(/"/g, '') === etag ? recorded.checksum : undefined);
      if (checksums && !checksum) continue;
      kept[part.partNumber] = checksum ? { etag, checksum } : { etag };
    }
    saved.parts = kept;
    await this.#store.save(this.#stateKey, saved);
    this.#options.onEvent?.({ kind: 'resumed', videoId: saved.videoId, partsAlreadyStored: Object.keys(kept).length });
    return saved;
  }

  async #createState(checksums: boolean): Promise<ResumeState> {
    const source = this.#source;
    const retry = { ...DEFAULT_RETRY, ...this.#options.retry };
    const input = { fileName: source.name, size: source.size, contentType: source.type, ...(checksums ? { checksum: 'sha256' as const } : {}) };
    let created: CreateUploadOutput;
    for (let attempt = 1; ; attempt++) {
      try {
        // Not cancelled by an abort: an upload S3 has created must be known, so it can be aborted.
        created = await this.#options.api.uploads.create.mutate(input);
        break;
      } catch (error) {
        if (!isRetryableApiError(error)) {
          throw new UploadError('rejected', `the edge refused the upload: ${messageOf(error)}`, { cause: error });
        }
        // No answer, or a 5xx: worth another try. A create whose answer was lost leaves an upload
        // nobody knows of; the bucket's abort-incomplete-uploads rule removes it.
        if (attempt >= retry.attempts) {
          throw new UploadError('failed', `could not create the upload after ${attempt} tries: ${messageOf(error)}`, { cause: error });
        }
        await sleep(backoffDelay(retry, attempt), this.#halt.signal);
      }
    }
    const state: ResumeState = {
      version: 1,
      endpoint: this.#options.endpoint,
      fingerprint: this.#stateKey,
      videoId: created.videoId,
      uploadToken: created.uploadToken,
      mode: created.mode,
      size: source.size,
      partSize: created.partSize,
      partCount: created.partCount,
      expiresAt: created.expiresAt,
      checksums,
      parts: {},
    };
    await this.#store.save(this.#stateKey, state);
    this.#options.onEvent?.({ kind: 'created', videoId: created.videoId, partCount: created.partCount, partSize: created.partSize });
    return state;
  }
}

/** Starts an upload and returns its handle. */
export function startUpload(source: PartSource, options: UploadOptions): Upload {
  return new Upload(source, options);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
