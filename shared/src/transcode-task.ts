import { z } from 'zod';

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

/**
 * What a piscina worker receives to run one encode (a chunk's every rung, or the audio): the
 * whole ffmpeg command line, built by the fleet, and its bounds. Nothing shared crosses.
 */
export const EncodeSpec = z.object({
  /** What is encoded, as the uploader reads it in a failure: `chunk 3 (1:00 to 2:00)`, `the audio`. */
  what: z.string().min(1),
  ffmpegPath: z.string().min(1),
  args: z.array(z.string()).min(1),
  /** Folders ffmpeg writes into; created first. */
  outputDirs: z.array(z.string().min(1)),
  /** Seconds of video the run covers, for progress; 0 when unknown. */
  durationSeconds: z.number().nonnegative(),
  /** Wall-clock time the ffmpeg may run before it is killed, in milliseconds. */
  timeoutMs: z.number().int().positive(),
  /** Address-space ceiling (RLIMIT_AS) of the ffmpeg, in bytes. */
  memoryBytes: z.number().int().positive(),
});
export type EncodeSpec = z.infer<typeof EncodeSpec>;

/** A finished encode, as the task reports it back. */
export const EncodeResult = z.object({ elapsedMs: z.number().nonnegative() });
export type EncodeResult = z.infer<typeof EncodeResult>;

/** Progress a task posts on its MessagePort while ffmpeg runs. */
export const EncodeProgress = z.object({
  /** 0 to 1 for this encode. */
  fraction: z.number().min(0).max(1),
});
export type EncodeProgress = z.infer<typeof EncodeProgress>;

/**
 * An encode that did not finish, as the task reports it back (a thrown error loses its class
 * crossing the thread). `message` is for the uploader: it never holds a path on the worker.
 * - `rejected`: ffmpeg stopped on its input (the decoder refused the stream)
 * - `timeout`, `memory`: it ran past its time limit or its memory ceiling
 * - `no-space`: the worker's scratch disk filled up
 * - `killed`: something else on the worker killed it
 */
export const EncodeFailure = z.object({
  failed: z.literal(true),
  what: z.string(),
  kind: z.enum(['rejected', 'timeout', 'memory', 'no-space', 'killed']),
  message: z.string(),
  /** ffmpeg's last lines on stderr, for the logs only (may hold paths). */
  detail: z.string(),
});
export type EncodeFailure = z.infer<typeof EncodeFailure>;
