import { MAX_SIGN_BATCH, type SignedPart } from '@hoist/shared';
import type { ApiClient } from './api-client.js';

/**
 * Gets part URLs from the edge. Without checksums, URLs are signed in batches of up to 100
 * just ahead of need. With checksums a URL can only be signed once its part has been read and
 * hashed, so requests from parts that are ready together are gathered into one call. A URL
 * about to expire is never handed out; a fresh one is signed instead.
 */
export class PartUrls {
  readonly #cache = new Map<number, SignedPart>();
  /** Requests on their way, so asking twice for one part sends one request. */
  readonly #pending = new Map<number, Promise<SignedPart>>();
  #waiting: Array<{ partNumber: number; checksum: string | undefined; resolve: (p: SignedPart) => void; reject: (e: unknown) => void }> = [];
  #flushScheduled = false;

  constructor(
    private readonly api: ApiClient,
    private readonly uploadToken: string,
    private readonly refreshMarginMs: number,
    /** Parts still to send, in order, for signing ahead when there are no checksums. */
    private readonly upcoming: () => number[],
    private readonly signal: AbortSignal,
  ) {}

  /** A usable URL for `partNumber`. */
  get(partNumber: number, checksum: string | undefined): Promise<SignedPart> {
    const cached = this.#cache.get(partNumber);
    if (cached && Date.parse(cached.expiresAt) - Date.now() > this.refreshMarginMs) return Promise.resolve(cached);
    this.#cache.delete(partNumber);
    const pending = this.#pending.get(partNumber);
    if (pending) return pending;
    const request = new Promise<SignedPart>((resolve, reject) => {
      this.#waiting.push({ partNumber, checksum, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setTimeout(() => void this.#flush(), 0);
      }
    }).finally(() => this.#pending.delete(partNumber));
    this.#pending.set(partNumber, request);
    return request;
  }

  /** Forgets a URL S3 refused as expired. */
  invalidate(partNumber: number): void {
    this.#cache.delete(partNumber);
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const waiting = this.#waiting.splice(0, MAX_SIGN_BATCH);
    if (waiting.length === 0) return;
    // A pause or stop between asking and this turn of the loop: nothing more goes to the edge.
    if (this.signal.aborted) {
      for (const w of waiting.concat(this.#waiting.splice(0))) w.reject(this.signal.reason);
      return;
    }
    if (this.#waiting.length > 0) {
      this.#flushScheduled = true;
      setTimeout(() => void this.#flush(), 0);
    }
    const parts = waiting.map(({ partNumber, checksum }) => (checksum ? { partNumber, checksum } : { partNumber }));
    const withChecksums = waiting.some((w) => w.checksum);
    if (!withChecksums) {
      // Sign ahead: fill the batch with the next parts that will need URLs.
      const asked = new Set(parts.map((p) => p.partNumber));
      for (const n of this.upcoming()) {
        if (parts.length >= MAX_SIGN_BATCH) break;
        if (!asked.has(n) && !this.#cache.has(n)) parts.push({ partNumber: n });
      }
    }
    try {
      const signed = await this.api.uploads.signParts.mutate({ uploadToken: this.uploadToken, parts }, { signal: this.signal });
      for (const part of signed.parts) this.#cache.set(part.partNumber, part);
      for (const w of waiting) w.resolve(this.#cache.get(w.partNumber)!);
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  }
}
