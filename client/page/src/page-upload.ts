import { UploadError, uploadBlob, type Upload, type UploadEvent, type UploadProgress, type UploadResult } from '@hoist/client';
import { describeFailure } from './failure-message.js';

export interface PageUploadOptions {
  endpoint: string;
  token: string;
  onProgress(progress: UploadProgress): void;
  /** Part PUTs or API calls are failing and being retried (`lost`), or data flows again (`restored`). */
  onConnection(state: 'lost' | 'restored', detail: string): void;
  onResumed(partsAlreadyStored: number, partCount: number): void;
  onPausedChange(paused: boolean): void;
}

/** Longest wait between attempts to pick a broken-off upload up again. */
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * One file's upload as the page runs it. The library retries each part; when it gives up
 * because the network is gone, this starts it again from the parts already stored (the
 * IndexedDB resume state), waiting longer each time, or at once when the browser comes back
 * online. Only cancelling, an expired session or a refused file end it for good.
 */
export class PageUpload {
  readonly done: Promise<UploadResult>;
  #current: Upload | undefined;
  #paused = false;
  #cancelled = false;
  #wake: (() => void) | undefined;
  /** Parts an earlier run had stored, announced with the first progress (which knows the part count). */
  #resumedParts: number | undefined;
  #connectionLost = false;
  /** Restarts since data last flowed: the wait grows with them and starts short again after. */
  #restarts = 0;
  #partsDoneAtLoss = 0;
  #loadedAtLoss = 0;
  #lastProgress: UploadProgress | undefined;

  constructor(
    private readonly file: File,
    private readonly options: PageUploadOptions,
  ) {
    this.done = this.#run();
    this.done.catch(() => {});
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused || this.#cancelled) return;
    this.#paused = true;
    this.#current?.pause();
    this.options.onPausedChange(true);
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#current?.resume();
    this.#wake?.();
    this.options.onPausedChange(false);
  }

  /** Stops every request and aborts the multipart upload, so S3 keeps nothing. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#wake?.();
    await this.#current?.abort();
  }

  async #run(): Promise<UploadResult> {
    for (;;) {
      const upload = this.#start();
      try {
        const result = await upload.done;
        this.#restored();
        return result;
      } catch (error) {
        const failure = describeFailure(error);
        if (this.#cancelled || failure.kind !== 'connection') throw error;
        const delay = Math.min(MAX_RESTART_DELAY_MS, 2000 * 2 ** Math.min(this.#restarts++, 4));
        this.#lost(`${failure.message} Trying again in ${Math.round(delay / 1000)} s…`);
        await this.#waitForRetry(delay);
        while (this.#paused && !this.#cancelled) await this.#waitForRetry(MAX_RESTART_DELAY_MS);
        if (this.#cancelled) {
          // The broken-off run still knows its multipart upload: abort it so nothing is left.
          await upload.abort();
          throw new UploadError('aborted', 'upload cancelled while waiting for the connection', { cause: error });
        }
      }
    }
  }

  #start(): Upload {
    const upload = uploadBlob(this.file, {
      endpoint: this.options.endpoint,
      token: this.options.token,
      // More patience than the library's default: a phone on a train drops out for a while.
      retry: { attempts: 8, maxDelayMs: 15_000 },
      onProgress: (progress) => this.#progress(progress),
      onEvent: (event) => this.#event(event),
    });
    this.#current = upload;
    if (this.#paused) upload.pause();
    return upload;
  }

  #progress(progress: UploadProgress): void {
    this.#lastProgress = progress;
    if (this.#resumedParts !== undefined) {
      this.options.onResumed(this.#resumedParts, progress.partCount);
      this.#resumedParts = undefined;
    }
    if (this.#connectionLost && (progress.partsDone > this.#partsDoneAtLoss || progress.loaded > this.#loadedAtLoss)) this.#restored();
    this.options.onProgress(progress);
  }

  #event(event: UploadEvent): void {
    switch (event.kind) {
      case 'retry':
        this.#lost(`Part ${event.partNumber} did not get through (${event.reason}); retrying…`);
        break;
      case 'resumed':
        this.#resumedParts = event.partsAlreadyStored;
        break;
      case 'created':
      case 'paused':
      case 'continued':
        break;
    }
  }

  #lost(detail: string): void {
    if (!this.#connectionLost) {
      this.#partsDoneAtLoss = this.#lastProgress?.partsDone ?? 0;
      // What had been sent before the failure; a part re-sent from zero must pass it to count.
      this.#loadedAtLoss = this.#lastProgress?.loaded ?? 0;
    }
    this.#connectionLost = true;
    this.options.onConnection('lost', detail);
  }

  #restored(): void {
    if (!this.#connectionLost) return;
    this.#connectionLost = false;
    this.#restarts = 0;
    this.options.onConnection('restored', '');
  }

  /** Waits `ms`, or less when the browser comes back online, the user resumes or cancels. */
  #waitForRetry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        window.removeEventListener('online', finish);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      window.addEventListener('online', finish);
      this.#wake = finish;
    });
  }
}
