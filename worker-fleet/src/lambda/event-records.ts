import { S3EventRecord, TranscodeJob, decodeS3EventKey, describeZodError, parseSourceKey } from '@hoist/shared';

export type RecordOutcome =
  | { kind: 'job'; job: TranscodeJob }
  | { kind: 'skipped'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Reads one S3 event record: new sources under the uploads prefix become jobs; other event
 * types, prefixes and malformed records are named with the reason they were passed over.
 */
export function jobFromRecord(raw: unknown): RecordOutcome {
  const parsed = S3EventRecord.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'invalid', reason: describeZodError(parsed.error) };
  }
  const record = parsed.data;
  if (!record.eventName.startsWith('ObjectCreated:')) {
    return { kind: 'skipped', reason: `event ${record.eventName} is not an object creation` };
  }
  let key: string;
  try {
    key = decodeS3EventKey(record.s3.object.key);
  } catch {
    return { kind: 'invalid', reason: `object key ${record.s3.object.key} is not valid URL encoding` };
  }
  const source = parseSourceKey(key);
  if (!source) return { kind: 'skipped', reason: `key ${key} is not a source under the uploads prefix` };
  const { size, eTag, sequencer } = record.s3.object;
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
      sequencer: sequencer ?? '',
      eventTime: new Date(record.eventTime).toISOString(),
    }),
  };
}
