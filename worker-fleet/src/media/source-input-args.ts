import type { SourceFormat, TranscodeTask } from '@hoist/shared';

/** A source as every ffprobe and ffmpeg run reads it. */
export interface SourceInput {
  /** The downloaded source on the worker's disk. */
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
 * - `-protocol_whitelist file`: the source may open local files only, never the network.
 * - `-enable_drefs 0` (MP4/MOV): external data references stay ignored (the default, made
 *   explicit so no build or future default changes it).
 * - `-max_pixels`: a decoder refuses a frame larger than the limits before allocating it,
 *   even one that appears mid-stream after the probe.
 * - `file:` before the path, so nothing in it is ever read as another protocol's URL.
 * Both the 2018 npm-shipped builds and current distribution builds (5.1) accept all of these.
 */
export function sourceInputArgs(input: SourceInput): string[] {
  return [
    '-f', input.format,
    '-protocol_whitelist', 'file',
    ...(input.format === 'mov' ? ['-enable_drefs', '0'] : []),
    '-max_pixels', String(input.maxPixels),
    '-i', `file:${input.path}`,
  ];
}

/** The source a rendition task reads, as sourceInputArgs takes it. */
export function taskSourceInput(task: Pick<TranscodeTask, 'sourcePath' | 'sourceFormat' | 'maxSourcePixels'>): SourceInput {
  return { path: task.sourcePath, format: task.sourceFormat, maxPixels: task.maxSourcePixels };
}
