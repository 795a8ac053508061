import { join } from 'node:path';
import type { Rung, SourceColour, SourceFormat } from '@hoist/shared';
import { sourceInputArgs } from '../../worker-fleet/src/media/source-input-args.js';
import { BT709_OUTPUT_TAGS, renditionVideoFilter } from '../../worker-fleet/src/transcode/colour.js';
import { h264Level } from '../../worker-fleet/src/transcode/h264-level.js';

/** One rung of a baseline ladder: what a per-rung ffmpeg needs. */
export interface BaselineRungTask {
  sourcePath: string;
  sourceFormat: SourceFormat;
  maxSourcePixels: number;
  outputDir: string;
  rung: Rung;
  frameRate: number;
  hasAudio: boolean;
  sourceColour?: SourceColour | undefined;
  preset: 'veryfast';
}

/**
 * One rung in one ffmpeg, audio muxed in: the fleet's earlier design (a piscina task per rung),
 * kept as a baseline with the fleet's own encoder settings, keyframe grid and colour handling.
 */
export function perRungArgs(task: BaselineRungTask): string[] {
  const gop = Math.round(task.frameRate * 2);
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-threads', '1',
    ...sourceInputArgs({ path: task.sourcePath, format: task.sourceFormat, maxPixels: task.maxSourcePixels }),
    '-map', '0:v:0', ...(task.hasAudio ? ['-map', '0:a:0'] : []),
    '-vf', renditionVideoFilter(task.rung, task.sourceColour),
    '-r', String(task.frameRate),
    '-c:v', 'libx264', '-preset', task.preset, '-profile:v', 'high', '-level', h264Level(task.rung.width, task.rung.height, task.frameRate).level, ...BT709_OUTPUT_TAGS,
    '-b:v', String(task.rung.videoBitrate), '-maxrate', String(task.rung.maxVideoBitrate), '-bufsize', String(2 * task.rung.maxVideoBitrate),
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-force_key_frames', 'expr:gte(t,n_forced*2)',
    ...(task.hasAudio ? ['-c:a', 'aac', '-b:a', String(task.rung.audioBitrate), '-ac', '2', '-ar', '48000'] : ['-an']),
    '-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', join(task.outputDir, 'segment_%05d.ts'),
    join(task.outputDir, 'index.m3u8'),
  ];
}
