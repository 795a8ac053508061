import { z } from 'zod';
import { OwnerId, VideoId } from './ids.js';

/**
 * Where a video's processing stands. The fleet moves it forward; only `ready` and `failed` are
 * final. From `playable` on, its start plays while the rest is still being encoded.
 */
export const VideoState = z.enum(['queued', 'probing', 'transcoding', 'playable', 'publishing', 'ready', 'failed']);
export type VideoState = z.infer<typeof VideoState>;

/** One rendition of the ladder as it appears in the status and manifest documents. */
export const RenditionEntry = z.object({
  /** The rung's name: its short side in pixels (720 for 1280×720 and for 720×1280). */
  label: z.number().int().positive(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  /** Peak bits per second, as advertised in the master playlist's BANDWIDTH. */
  bandwidth: z.number().int().positive(),
  /** RFC 6381 codecs string, e.g. `avc1.640028,mp4a.40.2`. */
  codecs: z.string(),
  /** Media playlist path relative to the master playlist, e.g. `360p/index.m3u8`. */
  playlist: z.string(),
});
export type RenditionEntry = z.infer<typeof RenditionEntry>;

const StatusBase = z.object({
  videoId: VideoId,
  owner: OwnerId,
  sourceKey: z.string(),
  sourceEtag: z.string(),
  updatedAt: z.string().datetime(),
  /** 0 to 1 across the whole job. */
  progress: z.number().min(0).max(1),
  /** Renditions already published and playable. */
  renditions: z.array(RenditionEntry),
  /** Chunks of the timeline encoded (every rung of each), of how many; absent before the plan. */
  chunks: z.object({ done: z.number().int().nonnegative(), total: z.number().int().positive() }).optional(),
});

/** `videos/<videoId>/status.json` (private): rewritten as the job moves; readers poll it. */
export const VideoStatusDocument = z.discriminatedUnion('state', [
  StatusBase.extend({ state: z.literal('queued') }),
  StatusBase.extend({ state: z.literal('probing') }),
  StatusBase.extend({ state: z.literal('transcoding') }),
  StatusBase.extend({
    state: z.literal('playable'),
    /** Seconds from the start that every rendition (and the audio) has published. */
    playableSeconds: z.number().positive(),
  }),
  StatusBase.extend({ state: z.literal('publishing') }),
  StatusBase.extend({
    state: z.literal('ready'),
    durationSeconds: z.number().nonnegative(),
    /** Whether `poster.jpg` was made (a ladder is ready without one when ffmpeg could not make it). */
    poster: z.boolean().default(true),
  }),
  StatusBase.extend({
    state: z.literal('failed'),
    /** Why, in words a person uploading the file can act on. */
    error: z.string(),
  }),
]);
export type VideoStatusDocument = z.infer<typeof VideoStatusDocument>;

/** `videos/<videoId>/manifest.json` (private): written once, last, when every output is in place. */
export const VideoManifest = z.object({
  videoId: VideoId,
  owner: OwnerId,
  source: z.object({ key: z.string(), etag: z.string(), size: z.number().int().nonnegative() }),
  durationSeconds: z.number().nonnegative(),
  master: z.string(),
  /** The poster's file beside the master playlist; null when none could be made (the ladder is still complete). */
  poster: z.string().nullable(),
  renditions: z.array(RenditionEntry.extend({ bytes: z.number().int().nonnegative(), segments: z.number().int().positive() })),
  timings: z.object({
    receivedAt: z.string().datetime(),
    finishedAt: z.string().datetime(),
    probeMs: z.number().nonnegative(),
    transcodeMs: z.number().nonnegative(),
    publishMs: z.number().nonnegative(),
  }),
});
export type VideoManifest = z.infer<typeof VideoManifest>;
