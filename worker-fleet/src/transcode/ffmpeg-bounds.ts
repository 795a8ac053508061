import type { ProcessBounds } from '../process/bounded-process.js';

/** How long and how large each ffmpeg run on a source may grow (fleet settings FFMPEG_*). */
export interface FfmpegLimits {
  /** Seconds every run gets whatever the source's length: start-up, the first keyframe, the last segment. Default 120. */
  timeoutFloorSeconds: number;
  /** Seconds allowed per second of source, for each rung. Default 10. */
  timeoutPerSourceSecond: number;
  /** Address-space ceiling (RLIMIT_AS) of each ffmpeg process, in bytes. Default 3 GiB. */
  memoryBytes: number;
}

/**
 * Defaults, from one rung at a time encoded with x264 `veryfast` (the fleet's earlier design), on two
 * cores that other work was also using (a slow machine; figures in docs/operations.md):
 * - Time: the largest default rung, 1080p, took 2.6× real time from a 1080p source and 4.3× from
 *   a 4K one; a 2160p rung of a 4K source took 12.6×. Ten times real time covers the default
 *   ladder on such a machine with room to spare, and ends a stuck run of a one-hour source
 *   within about 10 hours, inside SQS's 12-hour limit for one receive (a longer source is
 *   stopped by that limit first, with its own reason).
 * - Memory: ffmpeg's address space (what RLIMIT_AS counts, more than it keeps resident) peaked
 *   at 186 MiB for 360p, 0.47 GiB for 1080p (0.49 GiB from a 4K source), 1.2 GiB for a 2160p
 *   rung and 0.62 GiB for a 4K poster. 3 GiB is 2.5 times the 4K rung, room for x264's extra
 *   threads on machines with more cores.
 */
export const DEFAULT_FFMPEG_LIMITS: FfmpegLimits = {
  timeoutFloorSeconds: 120,
  timeoutPerSourceSecond: 10,
  memoryBytes: 3 * 1024 ** 3,
};

/** The bounds of one rendition's ffmpeg: the floor plus the multiple of the source's duration. */
export function renditionBounds(limits: FfmpegLimits, durationSeconds: number): ProcessBounds {
  return {
    timeoutMs: Math.round((limits.timeoutFloorSeconds + limits.timeoutPerSourceSecond * durationSeconds) * 1000),
    memoryBytes: limits.memoryBytes,
  };
}

/**
 * The bounds of the poster's ffmpeg. It decodes at most the first second of the source (it seeks
 * after opening), so its time is the floor plus that second at the same multiple.
 */
export function posterBounds(limits: FfmpegLimits, durationSeconds: number): ProcessBounds {
  return renditionBounds(limits, Math.min(1, durationSeconds / 2));
}
