import { S3EventRecord, TranscodeJob, UPLOADS_PREFIX, decodeS3EventKey, describeZodError, parseSourceKey } from '@hoist/shared';

/**
 * - `job`: a new source, to be transcoded.
 * - `ignored`: outside what the bucket's notification covers (`ObjectCreated:*` under `uploads/`,
 *   infra/src/upload-bucket.ts), so S3 never sends it in AWS; the local stack's bridge passes on
 *   every event the emulator emits (each rendition and status write among them). Not news.
 * - `skipped`: covered by the notification but not a source Hoist wrote (a key under `uploads/`
 *   that is not `<owner>/<videoId>/<name>`). Unexpected: worth a warning.
 * - `invalid`: not a readable record at all.
 */
export type RecordOutcome =
  | { kind: 'job'; job: TranscodeJob }
  | { kind: 'ignored'; reason: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Reads one S3 event record: new sources under the uploads prefix become jobs; everything else
 * is classed as above, with the reason it was passed over.
 */
export function jobFromRecord(raw: unknown): RecordOutcome {
  const parsed = S3EventRecord.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'invalid', reason: describeZodError(parsed.error) };
  }
  const record = parsed.data;
  if (!record.eventName.startsWith('ObjectCreated:')) {
    return { kind: 'ignored', reason: `event ${record.eventName} is not an object creation` };
  }
  let key: string;
  try {
    key = decodeS3EventKey(record.s3.object.key);
  } catch {
    return { kind: 'invalid', reason: `object key ${record.s3.object.key} is not valid URL encoding` };
  }
  if (!key.startsWith(UPLOADS_PREFIX)) return { kind: 'ignored', reason: `key ${key} is outside the uploads prefix` };
  const source = parseSourceKey(key);
  if (!source) return { kind: 'skipped', reason: `key ${key} is under the uploads prefix but not <owner>/<videoId>/<name>` };
  const { size, eTag } = record.s3.object;
  if (size === undefined || !eTag) {
    return { kind: 'invalid', reason: `record for ${key} lacks the object's size or ETag` };
  }
  return {
    kind: 'job',
    job: TranscodeJob.parse({
      kind: 'transcode',
      version: 1,
      videoId: source.videoId,
      owner: source.owner,
      bucket: record.s3.bucket.name,
      key,
      size,
      etag: eTag.replace(/"/g, ''),
      eventTime: new Date(record.eventTime).toISOString(),
    }),
  };
}
