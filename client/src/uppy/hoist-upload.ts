import { MAX_SIGN_BATCH, partRange, planParts, type CompletedPart, type PartPlan, type SignedPart } from '@hoist/shared';
import type { ApiClient } from '../api-client.js';
import { PartUrls } from '../part-urls.js';
import { base64, sha256 } from '../sha256.js';

/** Parts hashed and signed together when each URL must carry its part's SHA-256. */
export const CHECKSUM_SIGN_AHEAD = 8;

export interface HoistUploadOptions {
  api: ApiClient;
  /** The file being uploaded: its size gives the part plan, its bytes the checksums. */
  file: Blob | undefined;
  /** Sign each part's SHA-256 into its URL (the upload was created with `checksum: 'sha256'`). */
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
  readonly #checksums = new Map<number, string>();
  readonly #handedOut = new Set<number>();
  readonly #plan: PartPlan | undefined;
  readonly #urls: PartUrls;
  readonly #stop = new AbortController();
  #lastAsked = 0;
  /** With checksums: the last part of the batch signed most recently. */
  #signedThrough = 0;

  constructor(
    readonly uploadToken: string,
    private readonly options: HoistUploadOptions,
  ) {
    this.#plan = options.file?.size ? planParts(options.file.size) : undefined;
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
    if (this.#handedOut.has(partNumber)) {
      this.#urls.invalidate(partNumber);
      this.#signedThrough = Math.min(this.#signedThrough, partNumber - 1);
    }
    this.#handedOut.add(partNumber);
    this.#lastAsked = partNumber;
    if (!this.options.checksums) return this.#urls.get(partNumber, undefined);
    if (partNumber <= this.#signedThrough) return this.#urls.get(partNumber, await this.#checksum(partNumber));
    // Hash the next few parts (one at a time, each let go once hashed) and sign them in one call.
    const last = Math.min(this.#plan?.partCount ?? partNumber, partNumber + CHECKSUM_SIGN_AHEAD - 1);
    const batch: Array<[number, string]> = [];
    for (let n = partNumber; n <= last; n++) batch.push([n, await this.#checksum(n)]);
    this.#signedThrough = last;
    const requests = batch.map(([n, checksum]) => this.#urls.get(n, checksum));
    for (const request of requests.slice(1)) request.catch(() => {});
    return requests[0]!;
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

  async #checksum(partNumber: number): Promise<string> {
    let checksum = this.#checksums.get(partNumber);
    if (checksum) return checksum;
    const file = this.options.file;
    if (!file || !this.#plan) throw new Error(`part ${partNumber}'s checksum needs the file's bytes, which this page does not have`);
    const { start, end } = partRange(this.#plan, file.size, partNumber);
    checksum = base64(await sha256(new Uint8Array(await file.slice(start, end).arrayBuffer())));
    this.#checksums.set(partNumber, checksum);
    return checksum;
  }
}
