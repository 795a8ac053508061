import { planUnits, unitName, type ChunkJob } from '@hoist/shared';
import { ProcessingStore } from './processing-store.js';
import { settleFailure } from './settle-failure.js';
import { StatusReporter } from './status-reporter.js';
import { currentStatus, deliveredNow, finalizeIfComplete, runUnit, type JobContext, type JobOutcome, type VideoJobDeps } from './unit-runner.js';

/**
 * One unit of a planned video, on whichever machine took its message: read the plan (never
 * probe again), encode the unit unless it is recorded, record it, and finalize if it was the
 * last. A unit of a video that has failed or finished meanwhile is dropped unrun.
 */
export async function runChunkJob(job: ChunkJob, deps: VideoJobDeps, context: JobContext = deliveredNow()): Promise<JobOutcome> {
  const { logger } = deps;
  const status = new StatusReporter(deps.store, job);
  try {
    const current = await currentStatus(deps, job);
    if (current?.state === 'failed' || current?.state === 'ready') {
      logger.info('video already finished; chunk dropped', { videoId: job.videoId, unit: unitName(job.unit), state: current.state });
      return current.state === 'failed' ? 'failed' : 'duplicate';
    }
    const plan = await new ProcessingStore(deps.store, job.videoId, job.etag).readPlan();
    if (!plan) {
      // Chunks are queued only after their plan is stored, and the plan goes only once the video
      // is finished: this source was finished (or replaced) since.
      logger.warn('no plan for this chunk\'s source; dropped', { videoId: job.videoId, unit: unitName(job.unit) });
      return 'duplicate';
    }
    if (!planUnits(plan).some((unit) => unitName(unit) === unitName(job.unit))) {
      logger.error('chunk is not a unit of its video\'s plan; dropped', { videoId: job.videoId, unit: unitName(job.unit), chunks: plan.chunks.length });
      return 'duplicate';
    }
    await runUnit(plan, job.unit, job, deps, status, context);
    return await finalizeIfComplete(plan, deps, status, context);
  } catch (error) {
    return settleFailure(error, job, deps, status, context);
  }
}
