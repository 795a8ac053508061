import { UnusableMediaError } from './unusable-media.js';
import { decimal, formatDuration } from '../human-units.js';

/** What a source may be at most; checked before the ladder starts. Fleet settings in config.ts. */
export interface MediaLimits {
  /** Longest video, in seconds (MAX_DURATION_SECONDS). */
  maxDurationSeconds: number;
  /** Widest and tallest frame as stored, before any rotation (MAX_FRAME_WIDTH, MAX_FRAME_HEIGHT). */
  maxWidth: number;
  maxHeight: number;
  /** Most pixels in one frame (MAX_FRAME_PIXELS). */
  maxPixels: number;
  /** Highest frame rate, frames per second (MAX_FRAME_RATE). */
  maxFrameRate: number;
  /** Most streams of any kind in the file (MAX_STREAMS). */
  maxStreams: number;
}

/**
 * The defaults, and why:
 * - 6 hours: one machine encodes the whole ladder of a job, which has to end well inside SQS's
 *   12-hour limit on keeping a message hidden, and long recordings (lectures, streams) fit.
 * - 8192×8192 and 35.4 Mpx (8192×4320, full-frame 8K): every camera and phone format fits;
 *   decoding one such frame takes about 53 MB, and a rung holds a few.
 * - 240 fps: phones record slow motion at 240.
 * - 64 streams: a Blu-ray remux with every dub and subtitle track has 30 to 40.
 */
export const DEFAULT_MEDIA_LIMITS: Readonly<MediaLimits> = {
  maxDurationSeconds: 6 * 3600,
  maxWidth: 8192,
  maxHeight: 8192,
  maxPixels: 8192 * 4320,
  maxFrameRate: 240,
  maxStreams: 64,
};

/**
 * The `-max_pixels` handed to decoders: the pixel limit plus the padding decoders add to each
 * row (at most 64 pixels of stride alignment), so a frame the gate let through always decodes.
 */
export function decoderPixelCap(limits: MediaLimits): number {
  return Math.min(2 ** 31 - 1, limits.maxPixels + 64 * Math.max(limits.maxWidth, limits.maxHeight));
}

/** Time ffprobe may take on a file of `bytes`: a few seconds, plus one per 256 MiB (reading it once from disk). */
export function probeTimeoutMs(bytes: number): number {
  return 10_000 + Math.ceil(bytes / (256 * 1024 * 1024)) * 1000;
}

const over = (message: string) => new UnusableMediaError(message, 'over-limit');

/** Refuses a file with more streams than the limit. */
export function checkStreamCount(streams: number, limits: MediaLimits): void {
  if (streams > limits.maxStreams) {
    throw over(`the file has ${streams} streams; the limit is ${limits.maxStreams} (${streams - limits.maxStreams} over)`);
  }
}

/** Refuses a frame wider, taller or larger than the limits. */
export function checkFrameSize(width: number, height: number, limits: MediaLimits): void {
  if (width <= limits.maxWidth && height <= limits.maxHeight && width * height <= limits.maxPixels) return;
  const ratio = (width * height) / limits.maxPixels;
  throw over(
    `the frame is ${width}×${height} (${megapixels(width * height)}); the limit is ` +
      `${limits.maxWidth}×${limits.maxHeight} / ${megapixels(limits.maxPixels)}` +
      (ratio > 1 ? ` (${decimal(ratio, 1)}× the pixel limit)` : ''),
  );
}

/** Refuses a frame rate above the limit; `measured` says whether it came from real packets. */
export function checkFrameRate(fps: number, measured: boolean, limits: MediaLimits): void {
  if (fps <= limits.maxFrameRate) return;
  throw over(`the frame rate is ${decimal(fps, 2)} fps${measured ? ' (measured from its packets)' : ''}; the limit is ${decimal(limits.maxFrameRate, 2)} fps`);
}

/** Refuses a video longer than the limit. */
export function checkDuration(seconds: number, limits: MediaLimits): void {
  if (seconds <= limits.maxDurationSeconds) return;
  throw over(
    `the video lasts ${formatDuration(seconds)}; the limit is ${formatDuration(limits.maxDurationSeconds)} ` +
      `(${formatDuration(seconds - limits.maxDurationSeconds)} over)`,
  );
}

/** Megapixels, as cameras state them: 256 Mpx, 35.4 Mpx, 0.9 Mpx. */
export function megapixels(pixels: number): string {
  const mpx = pixels / 1e6;
  return `${decimal(mpx, mpx >= 100 ? 0 : 1)} Mpx`;
}
