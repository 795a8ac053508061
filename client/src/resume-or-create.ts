import { TRPCClientError } from '@trpc/client';
import type { ChecksumAlgorithm, StoredPart } from '@hoist/shared';
import { abortAtS3 } from './abort-upload.js';
import type { ApiClient } from './api-client.js';
import type { PartSource } from './part-source.js';
import type { ResumeState, ResumeStore } from './resume/resume-state.js';
import { isRetryableApiError, withRetry, type RetryPolicy } from './retry.js';
import { UploadError, messageOf } from './upload-errors.js';
import type { UploadEvent } from './upload-options.js';

/** Where an upload's state is found, or made and kept. */
export interface UploadStatePlace {
  api: ApiClient;
  /** The API's base URL; a state from another endpoint is never reused. */
  endpoint: string;
  store: ResumeStore;
  /** The source's fingerprint, which its state is kept under. */
  key: string;
  source: PartSource;
  /** The kind of checksum each part is signed with; none without checksums. */
  checksum: ChecksumAlgorithm | undefined;
  onEvent: ((event: UploadEvent) => void) | undefined;
}

/**
 * A saved state this upload can continue, or null. What S3 holds comes from ListParts, never
 * from the saved record of finished parts: a part S3 lost or never stored is sent again, and a
 * part it holds is not, even if the record of it was lost. The record only fills in a checksum
 * S3 does not report (a single PUT's, which HeadObject leaves out).
 */
export async function resumableState(place: UploadStatePlace, signal: AbortSignal): Promise<ResumeState | null> {
  const { store, key, source, checksum: algorithm } = place;
  const checksums = algorithm !== undefined;
  const saved = await store.load(key);
  const usable =
    saved &&
    saved.endpoint === place.endpoint &&
    saved.size === source.size &&
    saved.checksums === checksums &&
    (!checksums || (saved.algorithm ?? 'sha256') === algorithm) &&
    Date.parse(saved.expiresAt) - Date.now() > 10 * 60_000;
  if (!saved || !usable) {
    if (saved) {
      // Starting afresh leaves the saved upload with no one to finish it: it is aborted, so its
      // parts are not kept (and billed) until the bucket's lifecycle rule. The edge never undoes
      // a completed upload, and a state from another endpoint is only forgotten.
      if (saved.endpoint === place.endpoint) await abortAtS3(place.api, saved.uploadToken).catch(() => {});
      await store.remove(key);
    }
    return null;
  }
  let held: StoredPart[];
  try {
    ({ parts: held } = await place.api.uploads.listParts.query({ uploadToken: saved.uploadToken }, { signal }));
  } catch (error) {
    if (error instanceof TRPCClientError && ['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST'].includes(String(error.data?.code))) {
      // The upload is gone or no longer ours: start afresh.
      await store.remove(key);
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
  await store.save(key, saved);
  place.onEvent?.({ kind: 'resumed', videoId: saved.videoId, partsAlreadyStored: Object.keys(kept).length });
  return saved;
}

/** Creates a new upload through the edge and saves its state; `signal` cuts a backoff short. */
export async function createState(place: UploadStatePlace, retry: RetryPolicy, signal: AbortSignal): Promise<ResumeState> {
  const { source, checksum } = place;
  const input = { fileName: source.name, size: source.size, contentType: source.type, ...(checksum ? { checksum } : {}) };
  // Not cancelled by an abort: an upload S3 has created must be known, so it can be aborted.
  const created = await withRetry(retry, () => place.api.uploads.create.mutate(input), {
    signal,
    // No answer, or a 5xx: worth another try. A create whose answer was lost leaves an upload
    // nobody knows of; the bucket's abort-incomplete-uploads rule removes it.
    isRetryable: isRetryableApiError,
    failWith: ({ error, tries, exhausted }) =>
      exhausted
        ? new UploadError('failed', `could not create the upload after ${tries} tries: ${messageOf(error)}`, { cause: error })
        : new UploadError('rejected', `the edge refused the upload: ${messageOf(error)}`, { cause: error }),
  });
  const state: ResumeState = {
    version: 1,
    endpoint: place.endpoint,
    fingerprint: place.key,
    videoId: created.videoId,
    uploadToken: created.uploadToken,
    mode: created.mode,
    size: source.size,
    partSize: created.partSize,
    partCount: created.partCount,
    expiresAt: created.expiresAt,
    checksums: checksum !== undefined,
    ...(checksum === undefined ? {} : { algorithm: checksum }),
    parts: {},
  };
  await place.store.save(place.key, state);
  place.onEvent?.({ kind: 'created', videoId: created.videoId, partCount: created.partCount, partSize: created.partSize });
  return state;
}
