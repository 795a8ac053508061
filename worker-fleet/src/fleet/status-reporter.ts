import { VideoStatusDocument, outputKeys, type RenditionEntry, type TranscodeJob } from '@hoist/shared';
import type { S3Store } from '../storage/s3-store.js';

export type StatusUpdate =
  | { state: 'queued' | 'probing' | 'transcoding' | 'publishing' }
  | { state: 'playable'; playableSeconds: number; renditions: RenditionEntry[] }
  | { state: 'ready'; durationSeconds: number; poster: boolean; renditions: RenditionEntry[] }
  | { state: 'failed'; error: string };

export interface ChunkCount {
  done: number;
  total: number;
}

/** How many times a write that lost a race reads again and retries before giving up. */
const MAX_ATTEMPTS = 8;

/**
 * Writes `status.json` for one source. Several workers write it at once (each chunk reports
 * progress; one of them finalizes), so every write is a conditional one on the version it read:
 * a state never goes back, progress never goes down, and `ready` or `failed` for this source is
 * final, whoever writes after; once `playable`, progress keeps it playable and its playable
 * seconds only grow. Progress alone is written at most every `intervalMs`.
 */
export class StatusReporter {
  #progress = 0;
  #chunks: ChunkCount | undefined;
  #lastWrite = 0;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: S3Store,
    private readonly job: Pick<TranscodeJob, 'videoId' | 'owner' | 'key' | 'etag'>,
    private readonly intervalMs = 1000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Moves to a new state (with `progress`, 0..1); false when the status was already final for this source. */
  set(update: StatusUpdate, progress = this.#progress, chunks = this.#chunks): Promise<boolean> {
    this.#progress = Math.max(this.#progress, progress);
    this.#chunks = chunks;
    return this.#enqueue(update);
  }

  /** Records progress (0..1) and chunks done; stored when the interval has passed. */
  progress(fraction: number, chunks?: ChunkCount): void {
    this.#progress = Math.max(this.#progress, Math.min(1, fraction));
    if (chunks) this.#chunks = chunks;
    if (this.now().getTime() - this.#lastWrite >= this.intervalMs) void this.#enqueue({ state: 'transcoding' }).catch(() => {});
  }

  /** Writes go out one after another, so a slow PUT of this reporter never lands after a later one. */
  #enqueue(update: StatusUpdate): Promise<boolean> {
    this.#lastWrite = this.now().getTime();
    const next = this.#chain.then(() => this.#write(update));
    this.#chain = next.catch(() => {});
    return next;
  }

  async #write(update: StatusUpdate): Promise<boolean> {
    const key = outputKeys.status(this.job.videoId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.getJsonWithEtag(key);
      const parsed = VideoStatusDocument.safeParse(stored?.value);
      const current = parsed.success && parsed.data.sourceEtag === this.job.etag ? parsed.data : undefined;
      if (current && (current.state === 'ready' || current.state === 'failed')) return false;
      const progress = update.state === 'ready' ? 1 : Math.max(this.#progress, current?.progress ?? 0);
      const chunks = this.#chunks && current?.chunks && current.chunks.done > this.#chunks.done ? current.chunks : (this.#chunks ?? current?.chunks);
      let next: StatusUpdate = update;
      // Progress while playable stays playable; playable seconds never go down.
      if (current?.state === 'playable' && update.state === 'transcoding') next = { state: 'playable', playableSeconds: current.playableSeconds, renditions: current.renditions };
      if (current?.state === 'playable' && next.state === 'playable') next = { ...next, playableSeconds: Math.max(current.playableSeconds, next.playableSeconds) };
      // An earlier state: another worker has moved the video on already.
      if (current && next.state !== 'failed' && rank(next.state) < rank(current.state)) return true;
      const document: VideoStatusDocument = {
        // What is playable stays listed until the video is ready (with the final list) or failed.
        renditions: next.state === 'failed' ? [] : (current?.renditions ?? []),
        ...next,
        videoId: this.job.videoId,
        owner: this.job.owner,
        sourceKey: this.job.key,
        sourceEtag: this.job.etag,
        updatedAt: this.now().toISOString(),
        progress,
        ...(chunks ? { chunks } : {}),
      };
      if (await this.store.putJsonIf(key, document, stored ? { ifMatch: stored.etag } : 'absent')) return true;
    }
    throw new Error(`status of ${this.job.videoId} kept changing under ${MAX_ATTEMPTS} attempts to write it`);
  }
}

const ORDER = ['queued', 'probing', 'transcoding', 'playable', 'publishing', 'ready', 'failed'] as const;
const rank = (state: (typeof ORDER)[number]) => ORDER.indexOf(state);
