import { z } from 'zod';
import { OwnerId, VideoId } from './ids.js';

/** The SQS message body the S3-event Lambda sends and the fleet consumes: one per new source. */
export const TranscodeJob = z.object({
  kind: z.literal('transcode'),
  version: z.literal(1),
  videoId: VideoId,
  owner: OwnerId,
  bucket: z.string().min(3).max(63),
  /** The source's key, already decoded from the event's URL form. */
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  etag: z.string().min(1),
  /** S3's per-key ordering token; a later sequencer means a newer write of the same key. */
  sequencer: z.string(),
  eventTime: z.string().datetime(),
});
export type TranscodeJob = z.infer<typeof TranscodeJob>;
