export interface UploadProgress {
  /** Bytes S3 has taken, counting parts in flight as far as they have been sent. */
  loaded: number;
  total: number;
  /** Recent rate, bytes per second (over the last few seconds). */
  bytesPerSecond: number;
  /** Seconds left at the recent rate; `Infinity` until there is a rate. */
  etaSeconds: number;
  partsDone: number;
  partCount: number;
}

const WINDOW_MS = 5000;

/** Turns byte counts into throttled progress events with a rate over a sliding window. */
export class ProgressMeter {
  #samples: Array<{ at: number; loaded: number }> = [];
  #lastEmit = 0;

  constructor(
    private readonly emit: ((progress: UploadProgress) => void) | undefined,
    private readonly intervalMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Reports progress; emitted at most every `intervalMs`, unless `force`. */
  update(loaded: number, total: number, partsDone: number, partCount: number, force = false): void {
    const at = this.now();
    this.#samples.push({ at, loaded });
    while (this.#samples.length > 2 && at - this.#samples[0]!.at > WINDOW_MS) this.#samples.shift();
    if (!this.emit || (!force && at - this.#lastEmit < this.intervalMs)) return;
    this.#lastEmit = at;
    const first = this.#samples[0]!;
    const seconds = (at - first.at) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.max(0, loaded - first.loaded) / seconds : 0;
    this.emit({
      loaded,
      total,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? (total - loaded) / bytesPerSecond : loaded >= total ? 0 : Number.POSITIVE_INFINITY,
      partsDone,
      partCount,
    });
  }
}
