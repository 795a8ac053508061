import { isRetryableStatus } from './retry.js';
import type { PartResponse } from './transport/part-transport.js';
import { MISSING_ETAG_MESSAGE, UploadError } from './upload-errors.js';

/** What a part PUT's response means for the part. */
export type PutVerdict =
  /** S3 stored the part. */
  | { kind: 'stored'; etag: string }
  /** Worth another try; `failure` says why this one failed. */
  | { kind: 'retry'; failure: string; urlExpired: boolean }
  /** Final: the part (and so the upload) fails with `error`. */
  | { kind: 'refused'; error: UploadError };

/** Reads a part PUT's response: S3's ETag, or why it failed and whether that is worth another try. */
export function classifyPutResponse(partNumber: number, response: PartResponse): PutVerdict {
  if (response.status >= 200 && response.status < 300) {
    if (!response.etag) return { kind: 'refused', error: new UploadError('missing-etag', MISSING_ETAG_MESSAGE) };
    return { kind: 'stored', etag: response.etag };
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(response.text)?.[1] ?? '';
  const failure = `HTTP ${response.status}${code ? ` ${code}` : ''}`;
  if (response.status === 403 && /Request has expired/i.test(response.text)) {
    return { kind: 'retry', failure, urlExpired: true };
  }
  if (code === 'BadDigest') {
    // S3 got other bytes than were hashed: damaged on the way (sent again, read anew), or
    // the file is changing on disk (every try fails, and the message says so).
    const why = ' (the bytes S3 received do not match the part\'s checksum: damaged on the way, or the file changed on disk)';
    return { kind: 'retry', failure: failure + why, urlExpired: false };
  }
  if (!isRetryableStatus(response.status)) {
    const hint = code === 'SignatureDoesNotMatch' ? ' (the part changed on disk, or a proxy altered it)' : '';
    return { kind: 'refused', error: new UploadError('part-failed', `part ${partNumber} was refused by S3: ${failure}${hint}`) };
  }
  return { kind: 'retry', failure, urlExpired: false };
}
