import type { Chunk } from '@hoist/shared';

/** Keyframe spacing and segment length, the same on every rung (Apple recommends 2 s and about 6 s; 4 s starts faster). */
export const KEYFRAME_SECONDS = 2;
export const SEGMENT_SECONDS = 4;

/**
 * Default chunk length. Each chunk costs a fixed start (signing, an ffmpeg start, the seek,
 * the first keyframe, uploads) of about a second on the local stack (bench `split`), so 60 s
 * keeps that near 2% while a two-hour film still makes 120 chunks to spread over a fleet.
 */
export const DEFAULT_CHUNK_SECONDS = 60;

/**
 * Cuts a video of `durationSeconds` into chunks of `chunkSeconds` on the segment grid: every
 * chunk but the last is exactly `chunkSeconds` (a whole number of segments, so each starts on a
 * keyframe and a segment boundary); the last runs to the end and is between one and two chunks
 * long, so no chunk is a sliver. A video shorter than two chunks is a single chunk.
 */
export function planChunks(durationSeconds: number, chunkSeconds: number, segmentSeconds = SEGMENT_SECONDS): Chunk[] {
  if (!(chunkSeconds > 0) || chunkSeconds % segmentSeconds !== 0) {
    throw new Error(`chunk length ${chunkSeconds} s is not a whole number of ${segmentSeconds} s segments`);
  }
  const count = Math.max(1, Math.floor(durationSeconds / chunkSeconds));
  const segmentsPerChunk = chunkSeconds / segmentSeconds;
  return Array.from({ length: count }, (_, index) => {
    const startSeconds = index * chunkSeconds;
    const last = index === count - 1;
    return {
      index,
      startSeconds,
      durationSeconds: last ? Math.max(durationSeconds - startSeconds, Number.EPSILON) : chunkSeconds,
      firstSegment: index * segmentsPerChunk,
    };
  });
}
