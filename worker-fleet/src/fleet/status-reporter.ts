import { outputKeys, type RenditionEntry, type TranscodeJob, type VideoStatusDocument } from '@hoist/shared';
import type { S3Store } from '../storage/s3-store.js';

type Update =
  | { state: 'queued' | 'probing' | 'transcoding' | 'publishing' }
  | { state: 'ready'; durationSeconds: number; poster: boolean }
  | { state: 'failed'; error: string };

/**
 * Writes `status.json` as a job moves. State changes are written at once; progress alone at
 * most every `intervalMs`. Writes go out one after another so a slow PUT never lands after a
 * later one.
 */
export class StatusReporter {
  #current: Update = { state: 'queued' };
  #progress = 0;
  #renditions: RenditionEntry[] = [];
  #lastWrite = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: S3Store,
    private readonly job: TranscodeJob,
    private readonly intervalMs = 1000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Moves to a new state; waits until it is stored. */
  set(update: Update, progress = this.#progress): Promise<void> {
    this.#current = update;
    this.#progress = progress;
    return this.#write();
  }

  /** Records progress (0..1); stored when the interval has passed. */
  progress(fraction: number): void {
    this.#progress = Math.max(this.#progress, Math.min(1, fraction));
    if (this.now().getTime() - this.#lastWrite >= this.intervalMs) void this.#write().catch(() => {});
  }

  /** Adds a published rendition; stored with the next write. */
  addRendition(entry: RenditionEntry): Promise<void> {
    this.#renditions = [...this.#renditions, entry].sort((a, b) => a.bandwidth - b.bandwidth);
    return this.#write();
  }

  #write(): Promise<void> {
    this.#lastWrite = this.now().getTime();
    const document: VideoStatusDocument = {
      ...this.#current,
      videoId: this.job.videoId,
      owner: this.job.owner,
      sourceKey: this.job.key,
      sourceEtag: this.job.etag,
      updatedAt: this.now().toISOString(),
      progress: this.#current.state === 'ready' ? 1 : this.#progress,
      renditions: this.#renditions,
    };
    const next = this.#chain.then(() => this.store.putJson(outputKeys.status(this.job.videoId), document));
    this.#chain = next.catch(() => {});
    return next;
  }
}
