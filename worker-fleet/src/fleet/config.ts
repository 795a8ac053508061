import { availableParallelism, tmpdir } from 'node:os';
import { z } from 'zod';
import { describeZodError } from '@hoist/shared';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from '../media/media-limits.js';
import { DEFAULT_FFMPEG_LIMITS, type FfmpegLimits } from '../transcode/ffmpeg-bounds.js';
import { DEFAULT_LADDER } from '../transcode/ladder.js';
import { parseReleaseSetting } from '../transcode/ffmpeg-version.js';
import { DEFAULT_DISK_HEADROOM_FACTOR } from './scratch-space.js';
import { DEFAULT_CHUNK_SECONDS, SEGMENT_SECONDS } from './chunk-planner.js';

/** A whole number, at least 1. */
const count = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .default(fallback);

/** A number above 0, whole or not. */
const positive = (name: string, fallback: number) =>
  z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be above 0`).default(fallback);

/** Defaults the infrastructure sizes itself by (scaling target, queue visibility timeout). */
export const FLEET_DEFAULTS = {
  JOB_CONCURRENCY: 1,
  VISIBILITY_TIMEOUT_SECONDS: 120,
  MAX_RECEIVE_COUNT: 5,
} as const;

/** The fleet's settings, from its environment (docs/settings.md is generated from this). */
export const FleetEnv = z.object({
  JOB_QUEUE_URL: z.string({ error: 'JOB_QUEUE_URL is not set' }).url('JOB_QUEUE_URL must be the SQS queue URL')
    .describe('URL of the SQS job queue: the Lambda sends each new source\'s job to it; the fleet long-polls it for those jobs and the chunk messages it queues itself.'),
  S3_BUCKET: z.string({ error: 'S3_BUCKET is not set' }).min(3, 'S3_BUCKET must be a bucket name')
    .describe('The bucket that holds the sources and everything made from them.'),
  AWS_REGION: z.string().min(1).default('us-east-1')
    .describe('AWS region of the bucket and the queue.'),
  S3_ENDPOINT: z.string().url('S3_ENDPOINT must be a URL').optional()
    .describe('S3 endpoint override, for the local emulator; unset in AWS.'),
  SQS_ENDPOINT: z.string().url('SQS_ENDPOINT must be a URL').optional()
    .describe('SQS endpoint override, for the local emulator; unset in AWS.'),
  FFMPEG_PATH: z.string().min(1).optional()
    .meta({ description: 'The ffmpeg binary. Production sets the distribution\'s (/usr/bin/ffmpeg); unset, the fleet warns and uses the one shipped in the npm packages.', shownDefault: 'the npm-shipped build' }),
  FFPROBE_PATH: z.string().min(1).optional()
    .meta({ description: 'The ffprobe binary, as FFMPEG_PATH.', shownDefault: 'the npm-shipped build' }),
  JOB_CONCURRENCY: count('JOB_CONCURRENCY', FLEET_DEFAULTS.JOB_CONCURRENCY)
    .describe('Jobs (videos) processed at once.'),
  POOL_SIZE: count('POOL_SIZE', availableParallelism())
    .meta({ description: 'Worker threads, so ffmpeg processes at once.', shownDefault: 'the machine\'s cores' }),
  TEMP_DIR: z.string().min(1).default(tmpdir())
    .meta({ description: 'Scratch space for the encodes\' output before it is uploaded.', shownDefault: 'the OS temp folder' }),
  DISK_HEADROOM_FACTOR: z.coerce
    .number({ error: 'DISK_HEADROOM_FACTOR must be a number' })
    .min(0, 'DISK_HEADROOM_FACTOR must be 0 or more')
    .default(DEFAULT_DISK_HEADROOM_FACTOR)
    .describe('Room kept on TEMP_DIR\'s disk beyond an encode\'s estimated output (one chunk\'s rungs, or the audio), as a multiple of it: an encode starts only when estimate × (1 + this) is free beside what running encodes hold. Sources are never stored on the disk.'),
  LADDER: z
    .string()
    .default(DEFAULT_LADDER.join(','))
    .transform((list, ctx) => {
      const labels = list.split(',').map((item) => Number(item.trim()));
      if (labels.some((n) => !Number.isInteger(n) || n < 2 || n > 4320)) {
        ctx.addIssue({ code: 'custom', message: `LADDER must be comma-separated heights between 2 and 4320 (got ${list})` });
        return z.NEVER;
      }
      return labels;
    }).describe('Rung labels (short side in pixels), comma-separated.'),
  CHUNK_SECONDS: count('CHUNK_SECONDS', DEFAULT_CHUNK_SECONDS).refine(
    (seconds) => seconds % SEGMENT_SECONDS === 0,
    `CHUNK_SECONDS must be a multiple of the ${SEGMENT_SECONDS} s segment length`,
  )
    .describe('Seconds of video per chunk: the unit of work any fleet machine takes, a whole number of SEGMENT_SECONDS (4 s) segments. The first chunk is one 2 s segment, so the start plays early. Why this default: docs/split-and-stitch.md.'),
  X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast')
    .describe('x264 preset of every rung: a slower one makes smaller files for more CPU time.'),
  NODE_ENV: z.string().default('development')
    .describe('`production` (as the systemd unit sets it) refuses ffmpeg or ffprobe older than FFMPEG_MIN_VERSION.'),
  FFMPEG_MIN_VERSION: z
    .string()
    .default('5.1')
    .transform((text, ctx) => {
      const release = parseReleaseSetting(text);
      if (!release) {
        ctx.addIssue({ code: 'custom', message: `FFMPEG_MIN_VERSION must be a release number such as 5.1 or 6.1.2 (got ${text})` });
        return z.NEVER;
      }
      return release;
    })
    .describe('Oldest ffmpeg and ffprobe release production runs, e.g. 5.1 (Debian 12\'s, with its security fixes).'),
  VISIBILITY_TIMEOUT_SECONDS: count('VISIBILITY_TIMEOUT_SECONDS', FLEET_DEFAULTS.VISIBILITY_TIMEOUT_SECONDS)
    .describe('Seconds a received message stays hidden; the heartbeat renews it at a third of this.'),
  MAX_RECEIVE_COUNT: count('MAX_RECEIVE_COUNT', FLEET_DEFAULTS.MAX_RECEIVE_COUNT)
    .describe('The job queue\'s redrive maxReceiveCount (set it to the queue\'s): the delivery that reaches it is the last before the dead-letter queue and marks the video failed with the last reason.'),
  // Bounds of every ffmpeg run on a source (renditions and poster; why each default: transcode/ffmpeg-bounds.ts).
  FFMPEG_TIMEOUT_FLOOR_SECONDS: count('FFMPEG_TIMEOUT_FLOOR_SECONDS', DEFAULT_FFMPEG_LIMITS.timeoutFloorSeconds)
    .describe('Seconds each rendition\'s ffmpeg gets whatever the source\'s length.'),
  FFMPEG_TIMEOUT_PER_SOURCE_SECOND: positive('FFMPEG_TIMEOUT_PER_SOURCE_SECOND', DEFAULT_FFMPEG_LIMITS.timeoutPerSourceSecond)
    .describe('Seconds each rendition\'s ffmpeg gets per second of source, on top of the floor.'),
  FFMPEG_MEMORY_MIB: count('FFMPEG_MEMORY_MIB', DEFAULT_FFMPEG_LIMITS.memoryBytes / 1024 ** 2)
    .describe('Address-space ceiling of each ffmpeg process, in MiB.'),
  HEALTH_PORT: z.coerce.number({ error: 'HEALTH_PORT must be a port number' }).int().min(0).max(65_535).default(9464)
    .describe('Loopback port of the health and metrics endpoint; 0 picks a free one.'),
  DRAIN_SECONDS: count('DRAIN_SECONDS', 60)
    .describe('Seconds SIGTERM waits for running jobs before releasing them.'),
  // Media limits: a source over any of them fails at once, before the ladder starts
  // (why each default: media/media-limits.ts).
  MAX_DURATION_SECONDS: count('MAX_DURATION_SECONDS', DEFAULT_MEDIA_LIMITS.maxDurationSeconds)
    .describe('Longest video accepted, in seconds.'),
  MAX_FRAME_WIDTH: count('MAX_FRAME_WIDTH', DEFAULT_MEDIA_LIMITS.maxWidth)
    .describe('Widest frame accepted, in pixels, as stored (before rotation).'),
  MAX_FRAME_HEIGHT: count('MAX_FRAME_HEIGHT', DEFAULT_MEDIA_LIMITS.maxHeight)
    .describe('Tallest frame accepted, in pixels, as stored (before rotation).'),
  MAX_FRAME_PIXELS: count('MAX_FRAME_PIXELS', DEFAULT_MEDIA_LIMITS.maxPixels).pipe(
    z.number().max(2 ** 31 - 1, 'MAX_FRAME_PIXELS must be at most 2147483647'),
  ).describe('Most pixels in one frame.'),
  MAX_FRAME_RATE: positive('MAX_FRAME_RATE', DEFAULT_MEDIA_LIMITS.maxFrameRate).describe('Highest frame rate accepted, frames per second.'),
  MAX_STREAMS: count('MAX_STREAMS', DEFAULT_MEDIA_LIMITS.maxStreams)
    .describe('Most streams (video, audio, subtitles, data) in one file.'),
});

export type FleetConfig = z.infer<typeof FleetEnv>;

/** The media limits a fleet with `config` applies to every source. */
export function mediaLimitsOf(config: FleetConfig): MediaLimits {
  return {
    maxDurationSeconds: config.MAX_DURATION_SECONDS,
    maxWidth: config.MAX_FRAME_WIDTH,
    maxHeight: config.MAX_FRAME_HEIGHT,
    maxPixels: config.MAX_FRAME_PIXELS,
    maxFrameRate: config.MAX_FRAME_RATE,
    maxStreams: config.MAX_STREAMS,
  };
}

/** The bounds a fleet with `config` puts on each ffmpeg run. */
export function ffmpegLimitsOf(config: FleetConfig): FfmpegLimits {
  return {
    timeoutFloorSeconds: config.FFMPEG_TIMEOUT_FLOOR_SECONDS,
    timeoutPerSourceSecond: config.FFMPEG_TIMEOUT_PER_SOURCE_SECOND,
    memoryBytes: config.FFMPEG_MEMORY_MIB * 1024 ** 2,
  };
}

/** Reads the fleet's environment once at start-up; a bad value stops it with the variable's name. */
export function readFleetConfig(env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const result = FleetEnv.safeParse(env);
  if (!result.success) {
    throw new Error(`fleet configuration is invalid: ${describeZodError(result.error)}`);
  }
  return result.data;
}
