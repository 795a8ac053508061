import { join } from 'node:path';
import { outputKeys, type Chunk, type ChunkPlan, type Rung } from '@hoist/shared';
import { sourceInputArgs } from '../media/source-input-args.js';
import { BT709_OUTPUT_TAGS, ladderFilterGraph } from './colour.js';
import { h264Level } from './h264-level.js';

/** Every unit's playlist file, in the unit's own output folder per track. */
export const UNIT_PLAYLIST = 'unit.m3u8';
/** Segment names: one numbering per track across the whole video, so chunk files never collide. */
export const SEGMENT_PATTERN = 'segment_%05d.ts';
/** The single audio rendition's rate: the ladder's highest (the 360p rung used to get 96 kbit/s of its own). */
export const AUDIO_BITRATE = 128_000;

/** Where a unit writes a track (`360p`, `audio`) inside its scratch folder. */
export const trackDir = (outputDir: string, track: string) => join(outputDir, track);

/** How a unit reads its source: a presigned URL (or, in tests and benches, a local file). */
export interface UnitSource {
  path: string;
}

/** What a chunk's command needs from the binary and the machine running it. */
export interface ChunkEncodeTools {
  /**
   * The hls muxer's option for its segments' MPEG-TS muxer, as this ffmpeg names it
   * (hls-segment-options.ts); needed by every chunk but the first.
   */
  segmentOptionsFlag?: string;
  /** The tone-mapping LUT's file, for an HDR source. */
  toneMapLut?: string;
}

/**
 * One chunk, every rung, one ffmpeg: the source is opened at the chunk's start (a seek, so only
 * the byte ranges of this chunk are fetched), decoded once, made constant-rate, tone-mapped once
 * when HDR, and split to one x264 encoder per rung. Each rung's output is what the same rung of
 * a whole-file encode would hold for this time range: the keyframe grid counted from the
 * video's start (chunks start on it), segment numbers from `firstSegment`, and timestamps
 * offset by the chunk's start, so a rung's playlist is its chunks' entries in order. `rungs`, a
 * part of the plan's, encodes only those (each exactly as in the run of all of them).
 */
export function videoChunkArgs(plan: ChunkPlan, chunk: Chunk, source: UnitSource, outputDir: string, tools: ChunkEncodeTools, rungs: readonly Rung[] = plan.rungs): string[] {
  const last = chunk.index === plan.chunks.length - 1;
  const gop = Math.max(1, Math.round(plan.frameRate * plan.keyframeSeconds));
  const top = plan.rungs.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const graph = ladderFilterGraph(rungs, plan.sourceColour, plan.frameRate, tools.toneMapLut, top);
  // A chunk's MPEG-TS continuity counters start again at 0 where the chunk before left them
  // anywhere: the first packets of every chunk but the first say so (the discontinuity
  // indicator), or a demuxer reading the rung's segments in a row takes the last frame before
  // each seam for a corrupt packet.
  const seam: string[] = [];
  if (chunk.index > 0) {
    if (!tools.segmentOptionsFlag) throw new Error("a chunk after the first needs the hls muxer's segment options flag");
    seam.push(tools.segmentOptionsFlag, 'mpegts_flags=+initial_discontinuity');
  }
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    // Input seek: ffmpeg reads from the keyframe before the start and drops what precedes it,
    // so the first frame out is the one at the chunk's start.
    ...(chunk.startSeconds > 0 ? ['-ss', chunk.startSeconds.toFixed(6)] : []),
    ...sourceInputArgs({ path: source.path, format: plan.sourceFormat, maxPixels: plan.maxSourcePixels }),
    '-filter_complex', graph.filter,
    ...rungs.flatMap((rung, i) => [
      '-map', graph.outputs[i]!,
      '-c:v', 'libx264', '-preset', plan.preset, '-profile:v', 'high', '-level', h264Level(rung.width, rung.height, plan.frameRate).level, ...BT709_OUTPUT_TAGS,
      '-b:v', String(rung.videoBitrate), '-maxrate', String(rung.maxVideoBitrate), '-bufsize', String(2 * rung.maxVideoBitrate),
      // The same keyframe grid on every rung and in every chunk, so players switch rungs at any
      // segment boundary and chunk seams fall on keyframes.
      '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
      '-force_key_frames', `expr:gte(t,n_forced*${plan.keyframeSeconds})`,
      '-an',
      ...(last ? [] : ['-t', chunk.durationSeconds.toFixed(6)]),
      ...(chunk.startSeconds > 0 ? ['-output_ts_offset', chunk.startSeconds.toFixed(6)] : []),
      ...seam,
      ...hlsOutput(plan.segmentSeconds, chunk.firstSegment, trackDir(outputDir, outputKeys.renditionDir(rung.label))),
    ]),
    '-progress', 'pipe:1', '-nostats',
  ];
}

/**
 * The whole soundtrack, once: AAC stereo into the audio group's segments. Encoding it in one
 * run keeps AAC's priming and padding at the two ends of the video only, so no seam between
 * chunks can click.
 */
export function audioArgs(plan: ChunkPlan, source: UnitSource, outputDir: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    ...sourceInputArgs({ path: source.path, format: plan.sourceFormat, maxPixels: plan.maxSourcePixels }),
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-c:a', 'aac', '-b:a', String(AUDIO_BITRATE), '-ac', '2', '-ar', '48000',
    ...hlsOutput(plan.segmentSeconds, 0, trackDir(outputDir, outputKeys.audioDir)),
    '-progress', 'pipe:1', '-nostats',
  ];
}

/**
 * An EVENT playlist, rewritten by the muxer as each segment closes, so the fleet uploads (and
 * the audio publishes) segments while ffmpeg is still encoding the next ones; `temp_file`
 * writes each segment under a temporary name until it is whole.
 */
function hlsOutput(segmentSeconds: number, startNumber: number, dir: string): string[] {
  return [
    '-f', 'hls', '-hls_time', String(segmentSeconds), '-hls_playlist_type', 'event', '-hls_flags', 'temp_file',
    '-start_number', String(startNumber),
    '-hls_segment_filename', join(dir, SEGMENT_PATTERN),
    join(dir, UNIT_PLAYLIST),
  ];
}
