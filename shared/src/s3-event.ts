import { z } from 'zod';

/**
 * The parts of an S3 event notification record that Hoist reads. Object keys arrive
 * URL-encoded with `+` for spaces, as S3 sends them; `decodeS3EventKey` turns them back.
 */
export const S3EventRecord = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: z.string().datetime({ offset: true }),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3EventRecord = z.infer<typeof S3EventRecord>;

export const S3Event = z.object({ Records: z.array(z.unknown()) });
export type S3Event = z.infer<typeof S3Event>;

/** Decodes an event record's object key: `+` is a space, then percent-escapes (UTF-8). */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Encodes a key the way S3 writes it into event records (form encoding: spaces as `+`). */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}
