import type { Chunk } from '@hoist/shared';

/** Keyframe spacing and segment length, the same on every rung (Apple recommends 2 s and about 6 s; 4 s starts faster). */
export const KEYFRAME_SECONDS = 2;
export const SEGMENT_SECONDS = 4;

/**
 * Default chunk length, chosen with bench `split` (docs/split-and-stitch.md). Each chunk costs a
 * fixed start (signing, an ffmpeg start, the seek, the first keyframe, uploads), a few percent
 * of a 32 s chunk, which one machine alone pays for: there 60 s chunks were faster. But units
 * that large leave machines idle at the end of a video while one finishes the last chunk (the
 * source's own machine also encodes the audio): two processes on a two-minute source finished
 * about 1.7× sooner than one with 60 s chunks and 1.75–1.9× with 32 s. 32 s keeps one machine no
 * slower than a decode-once ffmpeg and lets a fleet share shorter videos.
 */
export const DEFAULT_CHUNK_SECONDS = 32;

/**
 * The first chunk is one short segment, one keyframe interval long: it is what makes a video
 * playable, so it is the least a player can start on, encoded (its lowest rung first) within a
 * second of the probe. The segments after it are SEGMENT_SECONDS long again, on a grid that
 * starts where it ends; HLS only asks that no segment be longer than the target duration.
 */
export const FIRST_CHUNK_SECONDS = KEYFRAME_SECONDS;

/**
 * Cuts a video of `durationSeconds` into chunks. The first chunk is FIRST_CHUNK_SECONDS (one
 * segment; when the video is longer than that); after it, every chunk but the last is exactly
 * `chunkSeconds` (a whole number of segments, so each starts on a keyframe and a segment
 * boundary), and the last runs to the end, between a half and one and a half chunks long, so no
 * chunk is a sliver. What follows the first chunk of a video shorter than one and a half chunks
 * is one chunk.
 */
export function planChunks(durationSeconds: number, chunkSeconds: number, segmentSeconds = SEGMENT_SECONDS): Chunk[] {
  if (!(chunkSeconds > 0) || chunkSeconds % segmentSeconds !== 0) {
    throw new Error(`chunk length ${chunkSeconds} s is not a whole number of ${segmentSeconds} s segments`);
  }
  const first = Math.min(FIRST_CHUNK_SECONDS, segmentSeconds);
  if (durationSeconds <= first + segmentSeconds / 2) return [{ index: 0, startSeconds: 0, durationSeconds: Math.max(durationSeconds, Number.EPSILON), firstSegment: 0 }];
  const rest = durationSeconds - first;
  // Rounded, not floored: the short first chunk must not turn two chunks' worth of video into
  // one chunk that a second machine cannot share.
  const count = Math.max(1, Math.round(rest / chunkSeconds));
  const segmentsPerChunk = chunkSeconds / segmentSeconds;
  const later = Array.from({ length: count }, (_, i): Chunk => {
    const startSeconds = first + i * chunkSeconds;
    return {
      index: i + 1,
      startSeconds,
      durationSeconds: i === count - 1 ? durationSeconds - startSeconds : chunkSeconds,
      firstSegment: 1 + i * segmentsPerChunk,
    };
  });
  return [{ index: 0, startSeconds: 0, durationSeconds: first, firstSegment: 0 }, ...later];
}
