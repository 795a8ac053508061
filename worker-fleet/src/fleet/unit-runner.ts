import { randomUUID } from 'node:crypto';
import { VideoStatusDocument, outputKeys, planUnits, unitName, type ChunkJob, type ChunkPlan, type SegmentEntry, type TranscodeJob, type WorkUnit } from '@hoist/shared';
import type { MediaLimits } from '../media/media-limits.js';
import { encodeUnit, describeUnit, unitSeconds, type EncodeUnitDeps } from './encode-unit.js';
import { finalizeVideo } from './finalize.js';
import { LadderPublisher, provisionalVariants } from './ladder-publisher.js';
import { JobError } from './job-errors.js';
import { ProcessingStore } from './processing-store.js';
import type { StatusReporter } from './status-reporter.js';

export interface VideoJobDeps extends EncodeUnitDeps {
  /** Rung labels to offer, e.g. [1080, 720, 480, 360]. */
  ladder: readonly number[];
  preset: ChunkPlan['preset'];
  /** Seconds of video per chunk (CHUNK_SECONDS). */
  chunkSeconds: number;
  /** Puts chunk messages on the job queue, for any fleet machine to take. */
  dispatch: (messages: readonly ChunkJob[]) => Promise<void>;
  /** What a source may be at most (duration, frame size and rate, streams). Default DEFAULT_MEDIA_LIMITS. */
  mediaLimits?: MediaLimits;
}

/** How a job ended for its message: the video finished, failed for good, or there was nothing left to do. */
export type JobOutcome = 'ready' | 'failed' | 'duplicate' | 'done';

/** What a running job knows of its delivery. */
export interface JobContext {
  /** The queue message's id: the same on every delivery of it. */
  messageId: string;
  /** When this delivery was received. */
  receivedAt: Date;
  signal?: AbortSignal;
}

/** A context for a job run outside the consumer (a test, a bench): a message of its own, received now. */
export function deliveredNow(signal?: AbortSignal): JobContext {
  return { messageId: `direct-${randomUUID()}`, receivedAt: new Date(), ...(signal ? { signal } : {}) };
}

/** Share of the progress bar each phase takes. */
export const PROGRESS = { probed: 0.05, transcoded: 0.95 } as const;

/** How often a running unit looks whether its video has failed meanwhile (another chunk's fault). */
const FAILED_CHECK_MS = 5000;

/** The status document of this source, when there is one (another source's, or none, read as undefined). */
export async function currentStatus(deps: Pick<EncodeUnitDeps, 'store'>, job: Pick<TranscodeJob, 'videoId' | 'etag'>): Promise<VideoStatusDocument | undefined> {
  const stored = await deps.store.getJsonWithEtag(outputKeys.status(job.videoId));
  const parsed = VideoStatusDocument.safeParse(stored?.value);
  return parsed.success && parsed.data.sourceEtag === job.etag ? parsed.data : undefined;
}

/**
 * Runs one unit unless it is recorded already, then records it. While it runs, the video's
 * status is read every few seconds: once another unit has failed the video, this one stops
 * (and is not retried), since the video's outcome is decided.
 */
export async function runUnit(
  plan: ChunkPlan,
  unit: WorkUnit,
  job: TranscodeJob | ChunkJob,
  deps: VideoJobDeps,
  status: StatusReporter,
  context: JobContext,
): Promise<void> {
  const processing = new ProcessingStore(deps.store, plan.videoId, plan.sourceEtag);
  const done = await processing.doneUnits();
  if (done.has(unitName(unit))) {
    deps.logger.info('unit already recorded; not encoded again', { videoId: plan.videoId, unit: unitName(unit) });
    return;
  }
  const stop = new AbortController();
  const onAbort = () => stop.abort(context.signal?.reason);
  context.signal?.addEventListener('abort', onAbort, { once: true });
  const watch = setInterval(() => {
    void currentStatus(deps, job).then(
      (current) => {
        if (current?.state === 'failed') stop.abort(new JobError(`the video failed already: ${current.error}`, plan.videoId, false));
      },
      () => {},
    );
  }, FAILED_CHECK_MS);
  const doneSeconds = plan.chunks.filter((c) => done.has(unitName({ kind: 'video', index: c.index }))).reduce((sum, c) => sum + c.durationSeconds, 0);
  const chunksDone = plan.chunks.filter((c) => done.has(unitName({ kind: 'video', index: c.index }))).length;
  try {
    const publisher = new LadderPublisher(deps.store, plan);
    const { record, encodeMs } = await encodeUnit(plan, unit, deps, {
      signal: stop.signal,
      // The audio is published as it is encoded: it is one unit for the whole video, and a
      // player needs its start as soon as the first chunk's.
      ...(unit.kind === 'audio'
        ? {
            onSegments: async (_track: string, segments: readonly SegmentEntry[]) => {
              await publisher.extend('audio', segments);
              await reportPlayable(plan, publisher, status);
            },
          }
        : {
            // The first chunk's lowest rung, encoded ahead of its other rungs: the video's
            // start, published as soon as it is in the bucket.
            onLeadingTracks: async (tracks: readonly { name: string; segments: readonly SegmentEntry[] }[]) => {
              for (const track of tracks) await publisher.extend(track.name, track.segments);
              await reportPlayable(plan, publisher, status);
            },
          }),
      onProgress: (fraction) => {
        if (unit.kind !== 'video') return;
        const seconds = doneSeconds + fraction * unitSeconds(plan, unit);
        status.progress(PROGRESS.probed + (PROGRESS.transcoded - PROGRESS.probed) * (seconds / plan.durationSeconds), { done: chunksDone, total: plan.chunks.length });
      },
    });
    const first = await processing.recordUnit(record);
    deps.logger.info('unit finished', { videoId: plan.videoId, unit: unitName(unit), elapsedMs: record.elapsedMs, encodeMs, recorded: first });
    // Every rung grows by the chunks now recorded in order from the start.
    if (unit.kind === 'video') await publisher.publishRecordedChunks();
    else await publisher.extend('audio', record.tracks[0]!.segments);
    await reportPlayable(plan, publisher, status);
  } catch (error) {
    if (stop.signal.aborted && !context.signal?.aborted) throw stop.signal.reason;
    throw error;
  } finally {
    clearInterval(watch);
    context.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Moves the status to `playable` once the lowest rung and the audio hold the video's start, with
 * how many seconds they hold, and the renditions a player may start on.
 */
async function reportPlayable(plan: ChunkPlan, publisher: LadderPublisher, status: StatusReporter): Promise<void> {
  const seconds = await publisher.playableSeconds();
  if (seconds <= 0) return;
  const renditions = provisionalVariants(plan).map(({ label, width, height, bandwidth, codecs, playlist }) => ({ label, width, height, bandwidth, codecs, playlist }));
  await status.set({ state: 'playable', playableSeconds: Math.round(seconds * 1000) / 1000, renditions });
}

/**
 * After a unit: when every unit of the plan is recorded, takes the finalize claim and writes
 * the finished ladder; otherwise updates the chunks done. Exactly one message holds the claim
 * (processing-store.ts), so however the last units race, one worker finalizes.
 */
export async function finalizeIfComplete(plan: ChunkPlan, deps: VideoJobDeps, status: StatusReporter, context: JobContext): Promise<JobOutcome> {
  const processing = new ProcessingStore(deps.store, plan.videoId, plan.sourceEtag);
  const done = await processing.doneUnits();
  const units = planUnits(plan);
  const chunksDone = plan.chunks.filter((c) => done.has(unitName({ kind: 'video', index: c.index }))).length;
  const doneSeconds = plan.chunks.filter((c) => done.has(unitName({ kind: 'video', index: c.index }))).reduce((sum, c) => sum + c.durationSeconds, 0);
  if (!units.every((unit) => done.has(unitName(unit)))) {
    await status.set({ state: 'transcoding' }, PROGRESS.probed + (PROGRESS.transcoded - PROGRESS.probed) * (doneSeconds / plan.durationSeconds), { done: chunksDone, total: plan.chunks.length });
    return 'done';
  }
  if (!(await processing.claimFinalize(context.messageId))) {
    deps.logger.info('another worker is finalizing', { videoId: plan.videoId });
    return 'done';
  }
  await status.set({ state: 'publishing' }, PROGRESS.transcoded, { done: plan.chunks.length, total: plan.chunks.length });
  const outcome = await finalizeVideo(plan, await processing.readRecords(plan), { ...deps, status }, context.signal);
  await processing.remove();
  return outcome;
}

export { describeUnit };
