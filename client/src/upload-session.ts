import { partRange, type ChecksumAlgorithm } from '@hoist/shared';
import { abortAtS3 } from './abort-upload.js';
import { fingerprintSource } from './fingerprint.js';
import type { PartSource } from './part-source.js';
import { PartUrls } from './part-urls.js';
import { PartProgress } from './part-progress.js';
import { ProgressMeter } from './progress-meter.js';
import { checksummerProblem, webCryptoSha256, type PartChecksummer } from './part-checksum.js';
import { ReadAhead, readPart } from './read-ahead.js';
import { memoryResumeStore, type ResumeState, type ResumeStore } from './resume/resume-state.js';
import { createState, resumableState, type UploadStatePlace } from './resume-or-create.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { PAUSED, sendPart, type PartSending, type PreparedPart } from './send-part.js';
import { UploadError, messageOf } from './upload-errors.js';
import type { UploadEvent, UploadOptions } from './upload-options.js';
import { completedParts, verifiedChecksum, type UploadResult } from './upload-result.js';

export type { UploadEvent, UploadOptions } from './upload-options.js';
export type { UploadResult } from './upload-result.js';

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
    this.#openGate();
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
      this.#openGate();
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
    await abortAtS3(this.#options.api, state.uploadToken, this.#retryPolicy()).catch(() => {});
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
    const given = this.#options.partChecksum;
    // Checked before anything is created, so a bad option leaves no upload behind at S3.
    const problem = given === undefined ? undefined : checksummerProblem(given);
    if (problem) throw new UploadError('failed', problem);
    const checksummer = (this.#options.checksums ?? true) ? (given ?? webCryptoSha256) : undefined;
    this.#stateKey = await fingerprintSource(source, this.#options.endpoint);
    const place = this.#statePlace(checksummer?.algorithm);
    const resumed = await resumableState(place, this.#stop.signal);
    const concurrency = Math.max(1, this.#options.concurrency ?? 4);
    // A new upload's first parts are read and checksummed while the edge creates it.
    const ahead = resumed ? undefined : new ReadAhead(source, concurrency, checksummer);
    try {
      const state = resumed ?? (await createState(place, this.#retryPolicy(), this.#halt.signal));
      return await this.#sendAndComplete(state, resumed !== null, concurrency, ahead, checksummer);
    } finally {
      ahead?.discard();
    }
  }

  async #sendAndComplete(
    state: ResumeState,
    resumed: boolean,
    concurrency: number,
    ahead: ReadAhead | undefined,
    checksummer: PartChecksummer | undefined,
  ): Promise<UploadResult> {
    const source = this.#source;
    const { api } = this.#options;
    this.#state = state;
    if (this.#stop.signal.aborted) throw this.#stop.signal.reason;

    const plan = { partSize: state.partSize, partCount: state.partCount };
    const todo = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !state.parts[n]);
    let next = 0;
    const meter = new ProgressMeter(this.#options.onProgress, this.#options.progressIntervalMs ?? 250);
    const progress = new PartProgress(meter, plan, source.size, todo, () => Object.keys(state.parts).length);
    const urls = new PartUrls(
      api,
      state.uploadToken,
      this.#options.urlRefreshMarginMs ?? 60_000,
      () => todo.slice(next),
      this.#halt.signal,
    );
    const partSending: PartSending = {
      source,
      transport: this.#options.transport,
      urls,
      retry: this.#retryPolicy(),
      stallMs: this.#options.stallTimeoutMs ?? 30_000,
      halt: this.#halt.signal,
      paused: () => this.#gate?.promise,
      attempts: this.#attempts,
      inFlight: this.#inFlight,
      onRetry: (partNumber, attempt, reason) => this.#options.onEvent?.({ kind: 'retry', partNumber, attempt, reason }),
    };
    progress.report(true);

    /** Reads a part and its checksum, and asks for its URL (which is then on its way). */
    const prepare = async (partNumber: number): Promise<PreparedPart> => {
      const { start, end } = partRange(plan, source.size, partNumber);
      const { body, checksum } = await (ahead?.take(partNumber, start, end) ?? readPart(source, start, end, checksummer));
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
        // A source that sends slices of its file (a browser's) read the bytes for the hash
        // alone: they go now, and the next part is read, hashed and signed while this one is
        // on the wire, still one part's bytes in memory per slot.
        if (source.slice) {
          if (part.body) source.release?.(part.body);
          part.body = undefined;
          if (next < todo.length && !this.#halt.signal.aborted) prepared = prepare(todo[next++]!);
        }
        // Once S3 has every byte of this part, the next one is read, hashed and signed while
        // S3 stores this one. The buffer is let go first, so memory stays at one part per slot.
        const sendingDone = sendPart(part, partSending, (sent) => {
          progress.sending(part.partNumber, sent);
          if (sent === part.end - part.start && part.body) {
            source.release?.(part.body);
            part.body = undefined;
            if (!prepared && next < todo.length && !this.#halt.signal.aborted) prepared = prepare(todo[next++]!);
          }
        });
        const etag = await sendingDone;
        progress.stored(part.partNumber);
        state.parts[part.partNumber] = part.checksum ? { etag, checksum: part.checksum } : { etag };
        // Saved in order, without holding the next part up.
        saving = saving.then(() => this.#store.save(this.#stateKey, state));
        // A finished part always shows, even when no byte follows it soon (the others stalled).
        progress.report(true);
        if (!prepared && next < todo.length && !this.#halt.signal.aborted) prepared = prepare(todo[next++]!);
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
    // Stopped or aborted while every worker was between parts: the workers end without an
    // error, and the upload must not go on to complete with parts missing.
    if (this.#halt.signal.aborted) throw this.#halt.signal.reason;
    await saving;
    progress.report(true);

    const parts = completedParts(state);
    const completed = await api.uploads.complete.mutate({ uploadToken: state.uploadToken, parts }, { signal: this.#stop.signal });
    await this.#store.remove(this.#stateKey);
    const checksum = await verifiedChecksum(state, parts);
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

  /** A pause ends with a stop or an abort: whatever waits at the gate goes on to see why. */
  #openGate(): void {
    this.#gate?.open();
    this.#gate = undefined;
  }

  #retryPolicy(): RetryPolicy {
    return { ...DEFAULT_RETRY, ...this.#options.retry };
  }

  #statePlace(checksum: ChecksumAlgorithm | undefined): UploadStatePlace {
    const { api, endpoint } = this.#options;
    const onEvent = (event: UploadEvent) => this.#options.onEvent?.(event);
    return { api, endpoint, store: this.#store, key: this.#stateKey, source: this.#source, checksum, onEvent };
  }
}

/** Starts an upload and returns its handle. */
export function startUpload(source: PartSource, options: UploadOptions): Upload {
  return new Upload(source, options);
}
