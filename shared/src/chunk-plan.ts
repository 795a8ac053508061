import { z } from 'zod';
import { OwnerId, VideoId } from './ids.js';
import { TranscodeJob, jobKeyMismatch } from './job.js';
import { Rung, SourceColour, SourceFormat } from './transcode-task.js';

/**
 * One piece of a video's work that any fleet machine can take:
 * - `video`: every rung of one time range (a chunk), from one decode;
 * - `audio`: the whole soundtrack, encoded once into the audio group every rung refers to.
 */
export const WorkUnit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('video'), index: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('audio') }),
]);
export type WorkUnit = z.infer<typeof WorkUnit>;

/** A unit's name in keys and logs: `video-00003`, `audio`. */
export function unitName(unit: WorkUnit): string {
  return unit.kind === 'audio' ? 'audio' : `video-${String(unit.index).padStart(5, '0')}`;
}

/** One chunk of the timeline: a whole number of segments, the last one possibly shorter. */
export const Chunk = z.object({
  index: z.number().int().nonnegative(),
  startSeconds: z.number().nonnegative(),
  /** Length in seconds; the last chunk runs to the end of the source. */
  durationSeconds: z.number().positive(),
  /** Number of the chunk's first segment in every rung (`segment_<n>.ts`). */
  firstSegment: z.number().int().nonnegative(),
});
export type Chunk = z.infer<typeof Chunk>;

/**
 * `processing/<videoId>/<sourceTag>/plan.json`: how one source is cut and encoded, written once
 * after the probe (a conditional write: the first plan for a source stays the plan). Every chunk
 * worker reads it rather than probing the source again.
 */
export const ChunkPlan = z.object({
  version: z.literal(1),
  videoId: VideoId,
  owner: OwnerId,
  sourceKey: z.string().min(1),
  sourceEtag: z.string().min(1),
  sourceSize: z.number().int().nonnegative(),
  /** When the source's job was received, and when this plan was made (after the probe). */
  receivedAt: z.string().datetime(),
  createdAt: z.string().datetime(),
  durationSeconds: z.number().positive(),
  /** The demuxer forced on the source and the decoder's frame cap (the media gate's verdict). */
  sourceFormat: SourceFormat,
  maxSourcePixels: z.number().int().positive(),
  sourceColour: SourceColour,
  frameRate: z.number().positive().max(120),
  hasAudio: z.boolean(),
  keyframeSeconds: z.number().positive(),
  segmentSeconds: z.number().positive(),
  /** Planned chunk length: a whole number of segments. */
  chunkSeconds: z.number().positive(),
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']),
  /** Lowest first. */
  rungs: z.array(Rung).min(1),
  chunks: z.array(Chunk).min(1),
});
export type ChunkPlan = z.infer<typeof ChunkPlan>;

/** Every unit of a plan: its chunks in order, then the audio when the source has any. */
export function planUnits(plan: Pick<ChunkPlan, 'chunks' | 'hasAudio'>): WorkUnit[] {
  const units: WorkUnit[] = plan.chunks.map((chunk) => ({ kind: 'video', index: chunk.index }));
  if (plan.hasAudio) units.push({ kind: 'audio' });
  return units;
}

/**
 * The queue message for one unit of a planned video. It carries the source's identity so the
 * consumer checks it against the key (jobKeyMismatch) as it checks a new source's job; the
 * rest comes from the plan in S3.
 */
export const ChunkJob = TranscodeJob.omit({ kind: true }).extend({
  kind: z.literal('chunk'),
  unit: WorkUnit,
});
export type ChunkJob = z.infer<typeof ChunkJob>;

/** Every message on the job queue: a new source (from the S3 event) or one unit of a planned one. */
export const QueueMessage = z.discriminatedUnion('kind', [TranscodeJob, ChunkJob]);
export type QueueMessage = z.infer<typeof QueueMessage>;

/** jobKeyMismatch for either kind of message. */
export function messageKeyMismatch(message: QueueMessage, bucket: string): string | undefined {
  return jobKeyMismatch({ ...message, kind: 'transcode' }, bucket);
}

/** One media playlist entry: a segment and its `#EXTINF` duration. */
export const SegmentEntry = z.object({
  uri: z.string().regex(/^segment_\d{5,}\.ts$/),
  seconds: z.number().positive(),
  bytes: z.number().int().nonnegative(),
});
export type SegmentEntry = z.infer<typeof SegmentEntry>;

/**
 * `processing/<videoId>/<sourceTag>/units/<unit>.json`: a finished unit, written with a
 * conditional create once every one of its segments is in the bucket. The rung's (or the
 * audio's) playlist is the concatenation of its units' entries, in chunk order.
 */
export const UnitRecord = z.object({
  unit: WorkUnit,
  /** Per rung label (video), or the single entry `audio`. */
  tracks: z.array(z.object({ name: z.string().regex(/^(\d+p|audio)$/), segments: z.array(SegmentEntry).min(1) })).min(1),
  seconds: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  finishedAt: z.string().datetime(),
});
export type UnitRecord = z.infer<typeof UnitRecord>;

/**
 * `processing/<videoId>/<sourceTag>/finalize.json`: who is writing the finished ladder. Created
 * with a conditional write, so of the workers that see the last unit land only one goes on; the
 * queue message it names may take it over when redelivered (its worker died mid-finalize).
 */
export const FinalizeClaim = z.object({
  messageId: z.string().min(1),
  claimedAt: z.string().datetime(),
});
export type FinalizeClaim = z.infer<typeof FinalizeClaim>;
