import { join } from 'node:path';
import type { Rung } from '@hoist/shared';
import { BT709_OUTPUT_TAGS, renditionVideoFilter } from '../../worker-fleet/src/transcode/colour.js';
import { h264Level } from '../../worker-fleet/src/transcode/h264-level.js';

/** The ladder bench's keyframe and segment lengths, which are the fleet's. */
export const KEYFRAME_SECONDS = 2;
export const SEGMENT_SECONDS = 4;

/**
 * The baseline: decode once, split, scale and encode every rung in one ffmpeg, as the ladder
 * benchmark's `decodeOnceArgs` does, with the fleet's per-rung x264 settings (preset, profile,
 * level, rates, the shared keyframe grid, 4 s HLS segments, AAC per rung). It is written out
 * here rather than built from the fleet's argument builder so it stays the same command while
 * the fleet's own builders change with chunking. The source is the bench's own SDR test clip.
 */
export function decodeOnceLadderArgs(options: {
  source: string;
  outputDir: string;
  rungs: readonly Rung[];
  frameRate: number;
  hasAudio: boolean;
  preset: string;
  /** Encode only the source's first this many seconds (one chunk's worth); default the whole source. */
  seconds?: number;
}): string[] {
  const { rungs, frameRate } = options;
  const gop = Math.max(1, Math.round(frameRate * KEYFRAME_SECONDS));
  const split = `[0:v:0]split=${rungs.length}${rungs.map((_, i) => `[v${i}]`).join('')}`;
  const graph = [split, ...rungs.map((rung, i) => `[v${i}]fps=${frameRate},${renditionVideoFilter(rung, undefined)}[out${i}]`)].join(';');
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    ...(options.seconds === undefined ? [] : ['-t', String(options.seconds)]),
    '-i', options.source,
    '-filter_complex', graph,
    ...rungs.flatMap((rung, i) => {
      const dir = join(options.outputDir, `${rung.label}p`);
      return [
        '-map', `[out${i}]`, ...(options.hasAudio ? ['-map', '0:a:0'] : []),
        '-c:v', 'libx264', '-preset', options.preset, '-profile:v', 'high', '-level', h264Level(rung.width, rung.height, frameRate).level, ...BT709_OUTPUT_TAGS,
        '-b:v', String(rung.videoBitrate), '-maxrate', String(rung.maxVideoBitrate), '-bufsize', String(2 * rung.maxVideoBitrate),
        '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
        '-force_key_frames', `expr:gte(t,n_forced*${KEYFRAME_SECONDS})`,
        ...(options.hasAudio ? ['-c:a', 'aac', '-b:a', String(rung.audioBitrate), '-ac', '2', '-ar', '48000'] : ['-an']),
        '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod',
        '-hls_segment_filename', join(dir, 'segment_%05d.ts'),
        join(dir, 'index.m3u8'),
      ];
    }),
  ];
}
