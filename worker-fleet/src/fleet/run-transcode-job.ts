import { planUnits, unitName, type ChunkJob, type ChunkPlan, type TranscodeJob, type WorkUnit } from '@hoist/shared';
import { SNIFF_BYTES } from '../media/container-sniff.js';
import { probeTimeoutMs } from '../media/media-limits.js';
import { chooseLadder } from '../transcode/ladder.js';
import { UnusableMediaError, probeSource, type SourceInfo } from '../transcode/probe.js';
import { KEYFRAME_SECONDS, SEGMENT_SECONDS, planChunks } from './chunk-planner.js';
import { LadderPublisher } from './ladder-publisher.js';
import { ProcessingStore } from './processing-store.js';
import { runSiblings } from './run-siblings.js';
import { settleFailure } from './settle-failure.js';
import { StatusReporter } from './status-reporter.js';
import { PROGRESS, currentStatus, deliveredNow, finalizeIfComplete, runUnit, type JobContext, type JobOutcome, type VideoJobDeps } from './unit-runner.js';

export type { JobOutcome, VideoJobDeps as TranscodeJobDeps } from './unit-runner.js';

/**
 * A new source, from its S3 event, to its first chunk:
 * 1. the media gate reads the source where it is stored (its first bytes by a ranged GET, then
 *    ffprobe through a presigned URL) and refuses what is not usable video, with the reason;
 * 2. the plan (ladder, chunks on the segment grid) is written beside the status, once;
 * 3. the master goes up with every rung it will have (ladder-publisher.ts: each rung's EVENT
 *    playlist then grows as chunks land, and the video is `playable` once its start is there);
 * 4. every other chunk goes on the queue as a chunk message, for any machine of the fleet;
 * 5. this worker encodes the first chunk (one segment) and the audio itself (a video shorter
 *    than two chunks: all of it, as one job), and whoever records the last unit finalizes.
 * A redelivered job finds the plan and carries on from what is recorded. What the source
 * causes ends `failed` at once; what the machine causes is a retryable JobError (toJobError).
 */
export async function runTranscodeJob(job: TranscodeJob, deps: VideoJobDeps, context: JobContext = deliveredNow()): Promise<JobOutcome> {
  const { logger } = deps;
  const status = new StatusReporter(deps.store, job);
  const processing = new ProcessingStore(deps.store, job.videoId, job.etag);
  try {
    const current = await currentStatus(deps, job);
    if (current?.state === 'ready') {
      logger.info('already ready from this source; nothing to do', { videoId: job.videoId });
      return 'duplicate';
    }
    if (current?.state === 'failed') {
      logger.info('already failed from this source; not run again', { videoId: job.videoId, reason: current.error });
      return 'failed';
    }
    let plan = await processing.readPlan();
    if (!plan) {
      // The status write and the probe go side by side (the reporter writes in order, so a
      // failure written after the probe never lands before `probing`).
      const probing = status.set({ state: 'probing' }, 0);
      probing.catch(() => {});
      const planStarted = performance.now();
      let source: SourceInfo;
      try {
        source = await probe(job, deps);
        await probing;
      } catch (error) {
        if (!(error instanceof UnusableMediaError)) throw error;
        await status.set({ state: 'failed', error: error.message });
        logger.warn('source is not usable video', { videoId: job.videoId, refusal: error.refusal, reason: error.message });
        return 'failed';
      }
      plan = await processing.createPlan(makePlan(job, source, deps, context.receivedAt));
      // Players may fetch the master from now on: every rung it will have, and the audio group.
      await new LadderPublisher(deps.store, plan).writeProvisionalMaster();
      logger.info('planned', {
        videoId: job.videoId,
        planMs: Math.round(performance.now() - planStarted),
        chunks: plan.chunks.length,
        durationSeconds: plan.durationSeconds,
        rungs: plan.rungs.map((r) => `${r.width}x${r.height}`),
      });
    }

    // This worker takes what makes the video playable soonest: the first chunk (one segment)
    // and, beside it, the audio. A video shorter than two chunks is done here whole (its second
    // chunk after the first), as one job; a longer one's other chunks go to the fleet.
    const units = planUnits(plan);
    const short = plan.chunks.length <= 2;
    const own = units.filter((unit) => unit.kind === 'audio' || unit.index === 0 || short);
    const [, done] = await Promise.all([status.set({ state: 'transcoding' }, PROGRESS.probed, { done: 0, total: plan.chunks.length }), processing.doneUnits()]);
    const others = units.filter((unit) => !own.includes(unit) && !done.has(unitName(unit)));
    if (others.length > 0) await deps.dispatch(others.map((unit): ChunkJob => ({ ...job, kind: 'chunk', unit })));
    const run = (unit: WorkUnit) => (signal: AbortSignal) => runUnit(plan, unit, job, deps, status, { ...context, signal });
    const video = own.filter((unit) => unit.kind === 'video');
    const audio = own.filter((unit) => unit.kind === 'audio');
    await runSiblings(
      [
        // The chunks one after another: the first alone on the cores comes out soonest.
        async (signal) => {
          for (const unit of video) await run(unit)(signal);
        },
        ...audio.map(run),
      ],
      context.signal,
    );
    return await finalizeIfComplete(plan, deps, status, context);
  } catch (error) {
    return settleFailure(error, job, deps, status, context);
  }
}

/** The media gate, on the source where it is stored: nothing of it is downloaded to the disk. */
async function probe(job: TranscodeJob, deps: VideoJobDeps): Promise<SourceInfo> {
  // An empty object has no byte range to ask for (S3 answers 416): its head is empty.
  const head = job.size === 0 ? new Uint8Array(0) : await deps.store.head(job.key, SNIFF_BYTES);
  const url = await deps.store.presignGet(job.key, probeTimeoutMs(job.size) / 1000 + 60);
  return probeSource(deps.binaries.ffprobe, { path: url, bytes: job.size, head }, deps.mediaLimits);
}

function makePlan(job: TranscodeJob, source: SourceInfo, deps: VideoJobDeps, receivedAt: Date): ChunkPlan {
  return {
    version: 1,
    videoId: job.videoId,
    owner: job.owner,
    sourceKey: job.key,
    sourceEtag: job.etag,
    sourceSize: job.size,
    receivedAt: receivedAt.toISOString(),
    createdAt: new Date().toISOString(),
    durationSeconds: source.durationSeconds,
    sourceFormat: source.input.format,
    maxSourcePixels: source.input.maxPixels,
    sourceColour: source.colour,
    frameRate: source.frameRate,
    hasAudio: source.hasAudio,
    keyframeSeconds: KEYFRAME_SECONDS,
    segmentSeconds: SEGMENT_SECONDS,
    chunkSeconds: deps.chunkSeconds,
    preset: deps.preset,
    rungs: chooseLadder(source, deps.ladder),
    chunks: planChunks(source.durationSeconds, deps.chunkSeconds),
  };
}
