import { z } from 'zod';
import { VideoId } from './ids.js';

/** One rung of the HLS ladder: the output size and its rate targets. */
export const Rung = z.object({
  /** The rung's name in lines: the output's short side (720 for both 1280×720 and 720×1280). */
  label: z.number().int().positive(),
  /** Output size, both even. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Target video bits per second (ffmpeg `-b:v`). */
  videoBitrate: z.number().int().positive(),
  /** Peak video bits per second (`-maxrate`); `-bufsize` is twice this. */
  maxVideoBitrate: z.number().int().positive(),
  audioBitrate: z.number().int().positive(),
});
export type Rung = z.infer<typeof Rung>;

/**
 * The ffmpeg demuxer a source is read with, chosen from the file's own bytes (an allow-list:
 * none of these opens other files or URLs). `mov` covers MP4/MOV/3GP, `matroska` WebM too,
 * `mpegts` M2TS too, `mpeg` is MPEG-PS (VOB, MPG), `asf` is WMV.
 */
export const SourceFormat = z.enum(['mov', 'matroska', 'mpegts', 'avi', 'mpeg', 'mxf', 'asf', 'flv']);
export type SourceFormat = z.infer<typeof SourceFormat>;

/** One colour property as ffprobe names it (color_transfer, color_primaries, color_space). */
const ColourName = z.string().regex(/^[a-z0-9_-]{1,32}$/);

/**
 * The source's colour as its video stream is tagged; a property is absent when untagged.
 * HLG (`arib-std-b67`) and PQ (`smpte2084`) transfers are HDR and get tone-mapped to BT.709.
 */
export const SourceColour = z.object({
  transfer: ColourName.optional(),
  primaries: ColourName.optional(),
  matrix: ColourName.optional(),
});
export type SourceColour = z.infer<typeof SourceColour>;

/** What a piscina worker receives to encode one rendition: everything it needs, nothing shared. */
export const TranscodeTask = z.object({
  videoId: VideoId,
  ffmpegPath: z.string().min(1),
  sourcePath: z.string().min(1),
  /** Demuxer forced on the source: never guessed again from its bytes. */
  sourceFormat: SourceFormat,
  /** Largest frame, in pixels, a decoder may allocate for the source (ffmpeg `-max_pixels`). */
  maxSourcePixels: z.number().int().positive(),
  /** Folder the rendition's playlist and segments are written to; created by the task. */
  outputDir: z.string().min(1),
  rung: Rung,
  /** Constant output frame rate (variable-rate sources are made constant). */
  frameRate: z.number().positive().max(120),
  hasAudio: z.boolean(),
  /** The source's colour tags; absent, the source is read as untagged SDR. */
  sourceColour: SourceColour.optional(),
  /** Seconds between keyframes; the same on every rung so players can switch. */
  keyframeSeconds: z.number().positive(),
  /** Target HLS segment length in seconds; a multiple of `keyframeSeconds`. */
  segmentSeconds: z.number().positive(),
  /** Source duration, for progress; 0 when unknown. */
  durationSeconds: z.number().nonnegative(),
  /** x264 preset: speed against size. */
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']),
  /** Wall-clock time this rendition's ffmpeg may run before it is killed, in milliseconds. */
  timeoutMs: z.number().int().positive(),
  /** Address-space ceiling (RLIMIT_AS) of this rendition's ffmpeg, in bytes. */
  memoryBytes: z.number().int().positive(),
});
export type TranscodeTask = z.infer<typeof TranscodeTask>;

/** A finished rendition, as the task reports it back. */
export const TranscodeResult = z.object({
  label: z.number().int().positive(),
  playlistFile: z.string(),
  segmentFiles: z.array(z.string()).min(1),
  bytes: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
});
export type TranscodeResult = z.infer<typeof TranscodeResult>;

/** Progress a task posts on its MessagePort while ffmpeg runs. */
export const TranscodeProgress = z.object({
  label: z.number().int().positive(),
  /** 0 to 1 for this rendition. */
  fraction: z.number().min(0).max(1),
});
export type TranscodeProgress = z.infer<typeof TranscodeProgress>;

/**
 * A rendition that did not finish, as the task reports it back (a thrown error loses its class
 * crossing the thread). `message` is for the uploader: it never holds a path on the worker.
 * - `rejected`: ffmpeg stopped on its input (the decoder refused the stream)
 * - `timeout`, `memory`: it ran past its time limit or its memory ceiling
 * - `no-space`: the worker's scratch disk filled up
 * - `killed`: something else on the worker killed it
 */
export const RenditionFailure = z.object({
  failed: z.literal(true),
  label: z.number().int().positive(),
  kind: z.enum(['rejected', 'timeout', 'memory', 'no-space', 'killed']),
  message: z.string(),
  /** ffmpeg's last lines on stderr, for the logs only (may hold paths). */
  detail: z.string(),
});
export type RenditionFailure = z.infer<typeof RenditionFailure>;
