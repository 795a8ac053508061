import type { SourceFormat } from '@hoist/shared';

/** A source as every ffprobe and ffmpeg run reads it. */
export interface SourceInput {
  /**
   * Where ffmpeg reads the source: a short-lived presigned GET URL of the object in S3 (ranged
   * reads: a chunk fetches only what it decodes), or a file on the worker's disk.
   */
  path: string;
  /** The demuxer its bytes were identified as (container-sniff.ts). */
  format: SourceFormat;
  /** Largest frame, in pixels, a decoder may allocate (decoderPixelCap in media-limits.ts). */
  maxPixels: number;
}

/**
 * The input half of every ffprobe and ffmpeg command line that reads a source, ending in
 * `-i <source>`; options meant for the input (`-ss`, `-threads`) go before it.
 * - `-f`: the demuxer is forced, so ffmpeg never guesses one from the bytes: the playlist,
 *   concat, image-sequence and other demuxers that open further files or URLs are unreachable.
 * - `-protocol_whitelist`: a local file opens local files only; an S3 URL opens that one kind of
 *   URL (`https` and what it runs on, `http` only where the S3 endpoint itself is plain HTTP, as
 *   the local emulator's is). The forced demuxers never open a second input, so the one URL
 *   ffmpeg opens is the one the fleet signed.
 * - `-rw_timeout` (URLs): a stalled read fails within 30 s instead of waiting out the run's limit.
 * - `-enable_drefs 0` (MP4/MOV): external data references stay ignored (the default, made
 *   explicit so no build or future default changes it).
 * - `-max_pixels`: a decoder refuses a frame larger than the limits before allocating it,
 *   even one that appears mid-stream after the probe.
 * - `file:` before a path, so nothing in it is ever read as another protocol's URL.
 * Both the 2018 npm-shipped builds and current distribution builds (5.1) accept all of these.
 */
export function sourceInputArgs(input: SourceInput): string[] {
  const url = /^https?:\/\//.test(input.path);
  const protocols = !url ? 'file' : input.path.startsWith('https:') ? 'https,tls,tcp' : 'http,tcp';
  return [
    '-f', input.format,
    '-protocol_whitelist', protocols,
    ...(url ? ['-rw_timeout', String(30_000_000)] : []),
    ...(input.format === 'mov' ? ['-enable_drefs', '0'] : []),
    '-max_pixels', String(input.maxPixels),
    '-i', url ? input.path : `file:${input.path}`,
  ];
}
