import type { SourceColour } from '@hoist/shared';
import { sourceInputArgs, type SourceInput } from '../media/source-input-args.js';
import { runBounded, type ProcessBounds } from '../process/bounded-process.js';
import { renditionVideoFilter } from './colour.js';

/**
 * Grabs one frame as a JPEG poster, a second in (or mid-way through a shorter clip), within
 * `bounds` (posterBounds), with the colour handling of the rungs (an HDR source tone-mapped to
 * BT.709), then full-range as JPEG wants. Rejects with runBounded's ChildProcessError when ffmpeg fails.
 */
export async function extractPoster(
  ffmpeg: string,
  source: SourceInput,
  output: string,
  durationSeconds: number,
  width: number,
  height: number,
  colour: SourceColour | undefined,
  bounds: ProcessBounds,
  signal?: AbortSignal,
): Promise<void> {
  const at = Math.min(1, durationSeconds / 2);
  await runBounded(ffmpeg, [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    // Seeking after the input decodes from the start, which costs at most a second of video and
    // always finds the frame: an input seek into MPEG-TS (no index) can land past the only
    // keyframe of a short clip, and then no frame decodes at all.
    ...sourceInputArgs(source), '-ss', at.toFixed(3),
    '-frames:v', '1', '-vf', `${renditionVideoFilter({ width, height }, colour)},format=yuvj420p`, '-q:v', '3',
    output,
  ], { bounds, ...(signal ? { signal } : {}) });
}
