import { z } from 'zod';
import { OwnerId, VideoId } from './ids.js';
import { parseSourceKey } from './keys.js';

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
  eventTime: z.string().datetime(),
});
export type TranscodeJob = z.infer<typeof TranscodeJob>;

/**
 * Why a job message cannot be trusted, or `undefined` when it can: the owner and video id it
 * names must be the ones its key encodes (`uploads/<owner>/<videoId>/<name>`), and the bucket the
 * one the reader serves. A message that fails this would have a worker read one video's source
 * and write another's outputs; it is never run.
 */
export function jobKeyMismatch(job: TranscodeJob, bucket: string): string | undefined {
  if (job.bucket !== bucket) return `bucket ${job.bucket} is not this fleet's bucket ${bucket}`;
  const source = parseSourceKey(job.key);
  if (!source) return `key ${job.key} is not a source key (uploads/<owner>/<videoId>/<name>)`;
  if (source.owner !== job.owner) return `owner ${job.owner} does not match the key's owner ${source.owner}`;
  if (source.videoId !== job.videoId) return `videoId ${job.videoId} does not match the key's video ${source.videoId}`;
  return undefined;
}
