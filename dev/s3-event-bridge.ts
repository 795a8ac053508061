import { encodeS3EventKey } from '@hoist/shared';

interface EmulatorRecord {
  s3?: { object?: { key?: string } };
}

/**
 * Rewrites a record from the S3 emulator into the form S3 itself delivers: the emulator puts
 * raw keys in its records, S3 URL-encodes them with `+` for spaces. The Lambda handler then
 * decodes exactly what it decodes in AWS. (The emulator names a multipart completion
 * `ObjectCreated:Post` where S3 says `ObjectCreated:CompleteMultipartUpload`; the handler
 * accepts every `ObjectCreated:*`.)
 */
export function asDeliveredByS3(event: { Records: unknown[] }): { Records: unknown[] } {
  return {
    Records: event.Records.map((raw) => {
      const record = raw as EmulatorRecord;
      const key = record.s3?.object?.key;
      if (!record.s3?.object || key === undefined) return raw;
      return { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3EventKey(key) } } };
    }),
  };
}
