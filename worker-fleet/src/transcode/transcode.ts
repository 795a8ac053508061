import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenditionFailure, TranscodeResult, TranscodeTask } from '@hoist/shared';
import { sourceInputArgs, taskSourceInput } from '../media/source-input-args.js';
import { runBounded } from '../process/bounded-process.js';
import { BT709_OUTPUT_TAGS, renditionVideoFilter } from './colour.js';
import { h264Level } from './h264-level.js';
import { classifyRenditionFailure } from './rendition-failure.js';

export const PLAYLIST_FILE = 'index.m3u8';

/** The ffmpeg arguments for one rendition: H.264 High + AAC into VOD HLS, keyframes on a fixed grid. */
export function renditionArgs(task: TranscodeTask): string[] {
  const { rung } = task;
  const gop = Math.max(1, Math.round(task.frameRate * task.keyframeSeconds));
  const level = h264Level(rung.width, rung.height, task.frameRate).level;
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    // One decoder thread: rungs run side by side in the pool, which already fills the cores;
    // frame-threaded decoding in each of them only adds contention (measured by bench/ladder).
    '-threads', '1',
    ...sourceInputArgs(taskSourceInput(task)),
    '-map', '0:v:0',
    ...(task.hasAudio ? ['-map', '0:a:0'] : []),
    // Scale to the rung, then 8-bit 4:2:0 BT.709 whatever the source (HLG and PQ tone-mapped).
    '-vf', renditionVideoFilter(rung, task.sourceColour),
    // Constant frame rate: variable-rate sources are resampled so segments line up.
    '-r', String(task.frameRate), '-vsync', 'cfr',
    '-c:v', 'libx264', '-preset', task.preset, '-profile:v', 'high', '-level', level, ...BT709_OUTPUT_TAGS,
    '-b:v', String(rung.videoBitrate), '-maxrate', String(rung.maxVideoBitrate), '-bufsize', String(2 * rung.maxVideoBitrate),
    // The same keyframe grid on every rung, so players can switch at any segment boundary.
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${task.keyframeSeconds})`,
    ...(task.hasAudio ? ['-c:a', 'aac', '-b:a', String(rung.audioBitrate), '-ac', '2', '-ar', '48000'] : ['-an']),
    '-f', 'hls', '-hls_time', String(task.segmentSeconds), '-hls_playlist_type', 'vod',
    '-hls_segment_filename', join(task.outputDir, 'segment_%05d.ts'),
    '-progress', 'pipe:1', '-nostats',
    join(task.outputDir, PLAYLIST_FILE),
  ];
}

export interface TranscodeOptions {
  /** Called with 0..1 as ffmpeg reports its position. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Encodes one rendition by supervising one ffmpeg process within the task's time limit and
 * memory ceiling: progress parsed from its `-progress` output, killed on abort. A run that does
 * not finish comes back as a RenditionFailure saying why (classifyRenditionFailure).
 */
export async function transcodeRendition(task: TranscodeTask, options: TranscodeOptions = {}): Promise<TranscodeResult | RenditionFailure> {
  const started = performance.now();
  let pending = '';
  const onStdout = (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
      if (match && task.durationSeconds > 0) {
        options.onProgress?.(Math.min(1, Number(match[1]) / 1e6 / task.durationSeconds));
      }
    }
  };
  try {
    await mkdir(task.outputDir, { recursive: true });
    await runBounded(task.ffmpegPath, renditionArgs(task), {
      bounds: { timeoutMs: task.timeoutMs, memoryBytes: task.memoryBytes },
      onStdout,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const failure = classifyRenditionFailure(task.rung.label, error);
    if (failure) return failure;
    throw error;
  }
  options.onProgress?.(1);
  const files = await readdir(task.outputDir);
  const segmentFiles = files.filter((f) => f.endsWith('.ts')).sort();
  let bytes = 0;
  for (const file of files) bytes += (await stat(join(task.outputDir, file))).size;
  return {
    label: task.rung.label,
    playlistFile: PLAYLIST_FILE,
    segmentFiles,
    bytes,
    elapsedMs: performance.now() - started,
  };
}
