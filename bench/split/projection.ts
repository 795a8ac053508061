/**
 * Wall time of one long source on n instances, from figures measured on one:
 *
 *   T(n) = plan + max(ceil(units / (n × c)) × chunk_time, audio_time) + finalize
 *
 * units = ceil(source / CHUNK_SECONDS) chunks, plus one when there is audio (it takes a slot
 * like a chunk); c = units one instance runs at once (JOB_CONCURRENCY); chunk_time = one full
 * chunk's unit time on one instance; audio_time = the audio unit's time, which grows with the
 * source and is the floor however many instances there are. Plan and finalize are taken as
 * fixed. It assumes instances like the measuring machine, a queue that hands out units as fast
 * as they finish, and no start-up time for new instances (scaling out takes minutes, see
 * docs/operations.md#scaling).
 */
export interface ProjectionInputs {
  planSeconds: number;
  finalizeSeconds: number;
  /** One full 1080p chunk, whole unit (read plan, encode, upload), on one instance. */
  chunkSeconds: number;
  /** Audio unit time per second of source. */
  audioSecondsPerSourceSecond: number;
  hasAudio: boolean;
  chunkLength: number;
  concurrency: number;
}

/** 4K (3840×2160) is taken as 4× the pixels of 1080p, so 4× the chunk time: an assumption, not a measurement. */
export const PIXELS_4K_OVER_1080P = 4;

export function projectSeconds(inputs: ProjectionInputs, sourceSeconds: number, instances: number, pixelFactor = 1): number {
  const units = Math.ceil(sourceSeconds / inputs.chunkLength) + (inputs.hasAudio ? 1 : 0);
  const rounds = Math.ceil(units / (instances * inputs.concurrency));
  const audio = inputs.hasAudio ? inputs.audioSecondsPerSourceSecond * sourceSeconds : 0;
  return inputs.planSeconds + Math.max(rounds * inputs.chunkSeconds * pixelFactor, audio) + inputs.finalizeSeconds;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}
