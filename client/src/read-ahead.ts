import { partRange, planParts, type PartPlan } from '@hoist/shared';
import type { PartSource } from './part-source.js';
import { DIGEST_BYTES, type PartChecksummer } from './part-checksum.js';
import { base64 } from './sha256.js';
import { UploadError } from './upload-errors.js';

/** A part's bytes and, when the upload signs checksums, their checksum (base64). */
export interface PartBytes {
  body: Uint8Array<ArrayBuffer>;
  checksum: string | undefined;
}

/** Reads `[start, end)` and, given a checksummer, its checksum: a part URL needs it before it can be signed. */
export async function readPart(source: PartSource, start: number, end: number, checksummer: PartChecksummer | undefined): Promise<PartBytes> {
  const body = await source.read(start, end);
  if (!checksummer) return { body, checksum: undefined };
  const digest = await checksummer.digest(body);
  // A caller's `partChecksum` option that returns something else would otherwise surface only as
  // the edge refusing a malformed checksum, or S3 refusing every part with BadDigest.
  const { algorithm } = checksummer;
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_BYTES[algorithm]) {
    const got = digest instanceof Uint8Array ? `${digest.length} bytes` : typeof digest;
    throw new UploadError('failed', `the partChecksum option's digest returned ${got}; a ${algorithm} digest is ${DIGEST_BYTES[algorithm]} bytes`);
  }
  return { body, checksum: base64(digest) };
}

/**
 * The first parts of a new upload, read and hashed while `uploads.create` is on its way, so
 * signing and sending start the moment the edge answers. The edge plans parts with the same
 * rule (`planParts` in shared/), so their ranges are known before it answers; a part whose range
 * the edge's plan does not share is dropped and read again. Never more parts than the upload
 * sends at once, so memory stays at one part per slot.
 */
export class ReadAhead {
  readonly #parts = new Map<number, { start: number; end: number; bytes: Promise<PartBytes> }>();

  constructor(
    private readonly source: PartSource,
    count: number,
    checksummer: PartChecksummer | undefined,
  ) {
    const plan = expectedPlan(source.size);
    if (!plan) return; // a size the edge refuses: nothing worth reading
    for (let partNumber = 1; partNumber <= Math.min(count, plan.partCount); partNumber++) {
      const { start, end } = partRange(plan, source.size, partNumber);
      const bytes = readPart(source, start, end, checksummer);
      // Unhandled only until taken: a part read that failed here fails its upload when taken.
      bytes.catch(() => {});
      this.#parts.set(partNumber, { start, end, bytes });
    }
  }

  /** The bytes read ahead for exactly this range of this part, once; undefined when there are none. */
  take(partNumber: number, start: number, end: number): Promise<PartBytes> | undefined {
    const early = this.#parts.get(partNumber);
    if (!early) return undefined;
    this.#parts.delete(partNumber);
    if (early.start === start && early.end === end) return early.bytes;
    this.#release(early.bytes);
    return undefined;
  }

  /** Hands the buffers of parts never taken (a stop, a refusal, another plan) back to the source. */
  discard(): void {
    for (const early of this.#parts.values()) this.#release(early.bytes);
    this.#parts.clear();
  }

  #release(bytes: Promise<PartBytes>): void {
    bytes.then(({ body }) => this.source.release?.(body), () => {});
  }
}

function expectedPlan(size: number): PartPlan | undefined {
  try {
    return planParts(size);
  } catch {
    return undefined;
  }
}
