import { MAX_SIGN_BATCH, partRange, planParts, type CompletedPart, type PartPlan, type SignedPart } from '@hoist/shared';
import type { ApiClient } from '../api-client.js';
import { blobSource, type PartSource } from '../part-source.js';
import { PartUrls } from '../part-urls.js';
import { readPart } from '../read-ahead.js';
import { wasmCrc32c } from '../crc32c.js';

/** Parts hashed and signed together, ahead of Uppy, when each URL must carry its part's SHA-256. */
export const CHECKSUM_SIGN_AHEAD = 8;

export interface HoistUploadOptions {
  api: ApiClient;
  /** The file being uploaded: its size gives the part plan, its bytes the checksums. */
  file: Blob | undefined;
  /** Sign each part's CRC32C into its URL (the upload was created with `checksum: 'crc32c'`). */
  checksums: boolean;
  /** A URL with less than this left is signed again before use. */
  urlRefreshMarginMs: number;
}

/**
 * One Hoist upload as Uppy drives it, known by its upload token: part URLs signed ahead in
 * batches (Uppy sends a file's parts one after another, in order), and the ETag and checksum
 * of each part S3 took, for `uploads.complete`.
 */
export class HoistUpload {
  /** ETags of the parts S3 took (from Uppy's part events, or from ListParts). */
  etags = new Map<number, string>();
  /** Each part's SHA-256, read and hashed once. */
  readonly #checksums = new Map<number, Promise<string>>();
  /** With checksums: a part's SHA-256, settled once its whole batch is hashed and its URLs asked for. */
  readonly #batched = new Map<number, Promise<string>>();
  /** With checksums: hashing runs one part at a time, so it holds one part in memory. */
  #hashing: Promise<unknown> = Promise.resolve();
  #batchedThrough = 0;
  readonly #handedOut = new Set<number>();
  readonly #plan: PartPlan | undefined;
  readonly #source: PartSource | undefined;
  readonly #urls: PartUrls;
  readonly #stop = new AbortController();
  #lastAsked = 0;

  constructor(
    readonly uploadToken: string,
    private readonly options: HoistUploadOptions,
  ) {
    this.#plan = options.file?.size ? planParts(options.file.size) : undefined;
    this.#source = options.file ? blobSource(options.file) : undefined;
    // Without checksums any part can be signed at once: each batch is filled with the next parts.
    const upcoming = (): number[] => {
      if (options.checksums || !this.#plan) return [];
      const last = Math.min(this.#plan.partCount, this.#lastAsked + MAX_SIGN_BATCH);
      return Array.from({ length: Math.max(0, last - this.#lastAsked) }, (_, i) => this.#lastAsked + 1 + i);
    };
    this.#urls = new PartUrls(options.api, uploadToken, options.urlRefreshMarginMs, upcoming, this.#stop.signal);
  }

  /** A URL for `partNumber`; asked again for the same part (a retry), it is signed afresh. */
  async signPart(partNumber: number): Promise<SignedPart> {
    if (this.#handedOut.has(partNumber)) this.#urls.invalidate(partNumber);
    this.#handedOut.add(partNumber);
    this.#lastAsked = partNumber;
    if (!this.options.checksums) return this.#urls.get(partNumber, undefined);
    // The first part (or one Uppy skipped ahead to) is hashed alone, so sending starts at once;
    // while Uppy sends, the next parts are hashed and signed in batches, so each URL is ready.
    if (!this.#batched.has(partNumber)) this.#hashAndSign(partNumber, partNumber);
    const checksum = await this.#batched.get(partNumber)!;
    if (this.#plan && partNumber + CHECKSUM_SIGN_AHEAD / 2 > this.#batchedThrough && this.#batchedThrough < this.#plan.partCount) {
      const first = Math.max(partNumber, this.#batchedThrough) + 1;
      this.#hashAndSign(first, Math.min(this.#plan.partCount, first + CHECKSUM_SIGN_AHEAD - 1)).catch(() => {});
    }
    return this.#urls.get(partNumber, checksum);
  }

  /** Every part, in order, as `uploads.complete` wants them. */
  async completedParts(): Promise<CompletedPart[]> {
    const numbers = [...this.etags.keys()].sort((a, b) => a - b);
    return Promise.all(
      numbers.map(async (partNumber) => ({
        partNumber,
        etag: this.etags.get(partNumber)!,
        ...(this.options.checksums ? { checksum: await this.#checksum(partNumber) } : {}),
      })),
    );
  }

  /** Stops signing: the upload is finished or aborted. */
  stop(): void {
    this.#stop.abort();
  }

  /** Hashes parts `first..last` after whatever is being hashed, then asks for their URLs in one call. */
  #hashAndSign(first: number, last: number): Promise<string[]> {
    this.#batchedThrough = Math.max(this.#batchedThrough, last);
    const batch = this.#hashing.then(async () => {
      const checksums: string[] = [];
      for (let n = first; n <= last; n++) {
        this.#stop.signal.throwIfAborted();
        checksums.push(await this.#checksum(n));
      }
      if (!this.#stop.signal.aborted) checksums.forEach((checksum, i) => this.#urls.get(first + i, checksum).catch(() => {}));
      return checksums;
    });
    this.#hashing = batch.catch(() => {});
    for (let n = first; n <= last; n++) {
      const checksum = batch.then((checksums) => checksums[n - first]!);
      // A failed batch is hashed again when its part is asked for.
      checksum.catch(() => this.#batched.get(n) === checksum && this.#batched.delete(n));
      this.#batched.set(n, checksum);
    }
    return batch;
  }

  #checksum(partNumber: number): Promise<string> {
    let checksum = this.#checksums.get(partNumber);
    if (!checksum) {
      const hashing = this.#hash(partNumber);
      hashing.catch(() => this.#checksums.get(partNumber) === hashing && this.#checksums.delete(partNumber));
      checksum = hashing;
      this.#checksums.set(partNumber, checksum);
    }
    return checksum;
  }

  async #hash(partNumber: number): Promise<string> {
    if (!this.#source || !this.#plan) throw new Error(`part ${partNumber}'s checksum needs the file's bytes, which this page does not have`);
    const { start, end } = partRange(this.#plan, this.#source.size, partNumber);
    // The uploader's own read-and-hash, so both paths sign the same checksum the same way.
    const { checksum } = await readPart(this.#source, start, end, wasmCrc32c);
    return checksum!;
  }
}
