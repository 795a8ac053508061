import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  VideoStatusDocument,
  outputKeys,
  type RenditionEntry,
  type Rung,
  type TranscodeJob,
  type TranscodeResult,
  type TranscodeTask,
  type VideoManifest,
} from '@hoist/shared';
import type { Logger } from '../logger.js';
import type { S3Store } from '../storage/s3-store.js';
import type { FfmpegBinaries } from '../transcode/ffmpeg-binaries.js';
import { hlsCodecs, h264Level } from '../transcode/h264-level.js';
import { chooseLadder } from '../transcode/ladder.js';
import { masterPlaylist, measuredBandwidth, segmentDurations, type MasterVariant } from '../transcode/playlists.js';
import { DEFAULT_FFMPEG_LIMITS, posterBounds, renditionBounds, type FfmpegLimits } from '../transcode/ffmpeg-bounds.js';
import { extractPoster } from '../transcode/poster.js';
import type { MediaLimits } from '../media/media-limits.js';
import { UnusableMediaError, probeSource, type SourceInfo } from '../transcode/probe.js';
import type { RenditionPool } from '../transcode/rendition-pool.js';
import { ChildProcessError } from '../process/bounded-process.js';
import { JobError, failureDetail, toJobError } from './job-errors.js';
import type { ScratchSpace } from './scratch-space.js';
import { StatusReporter } from './status-reporter.js';

export interface TranscodeJobDeps {
  store: S3Store;
  pool: RenditionPool;
  binaries: FfmpegBinaries;
  /** Hands each job a scratch folder once the disk can hold its source and renditions. */
  scratch: ScratchSpace;
  /** Rung labels to offer, e.g. [1080, 720, 480, 360]. */
  ladder: readonly number[];
  preset: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow';
  logger: Logger;
  /** What a source may be at most (duration, frame size and rate, streams). Default DEFAULT_MEDIA_LIMITS. */
  mediaLimits?: MediaLimits;
  /** Time and memory each ffmpeg run may take. Default DEFAULT_FFMPEG_LIMITS. */
  ffmpegLimits?: FfmpegLimits;
}

export type JobOutcome = 'ready' | 'failed' | 'duplicate';

/** Keyframe spacing and segment length, the same on every rung (Apple recommends 2 s and about 6 s; 4 s starts faster). */
const KEYFRAME_SECONDS = 2;
const SEGMENT_SECONDS = 4;

/** Share of the progress bar each phase takes. */
const PROGRESS = { probed: 0.05, transcoded: 0.9 } as const;

/**
 * Runs one job from source to `ready`: download, probe, choose the ladder, encode every rung
 * in the pool, publish each rung as it lands (lowest usually first, so playback can start
 * early), then the poster, the manifest and the final status. What the source causes (not
 * usable video, a rendition the decoder refuses or that runs past its time or memory limit)
 * ends `failed` at once with the reason; what the machine causes (S3, a full disk, a process
 * killed from outside) is a retryable `JobError` (toJobError). A poster ffmpeg cannot make
 * leaves the video ready without one.
 */
export async function runTranscodeJob(job: TranscodeJob, deps: TranscodeJobDeps, signal?: AbortSignal): Promise<JobOutcome> {
  const { store, logger } = deps;
  const existing = VideoStatusDocument.safeParse(await previousStatus(store, job.videoId, logger));
  if (existing.success && existing.data.state === 'ready' && existing.data.sourceEtag === job.etag) {
    logger.info('already ready from this source; nothing to do', { videoId: job.videoId });
    return 'duplicate';
  }
  const receivedAt = new Date();
  const status = new StatusReporter(store, job);
  // Before any byte is downloaded: a source the disk cannot hold beside the running jobs goes
  // back to the queue; one no machine's disk can hold fails for good.
  const scratch = await deps.scratch.claim(job.videoId, job.size);
  if (scratch.kind === 'never') {
    await status.set({ state: 'failed', error: scratch.reason });
    logger.warn('source can never fit on this machine\'s disk', { videoId: job.videoId, reason: scratch.reason });
    return 'failed';
  }
  if (scratch.kind === 'busy') throw new JobError(scratch.reason, job.videoId, true);
  const workDir = scratch.dir;
  try {
    await status.set({ state: 'probing' }, 0);
    const sourcePath = join(workDir, 'source');
    const probeStarted = performance.now();
    await store.download(job.key, sourcePath);
    let source: SourceInfo;
    try {
      source = await probeSource(deps.binaries.ffprobe, sourcePath, deps.mediaLimits);
    } catch (error) {
      if (error instanceof UnusableMediaError) {
        await status.set({ state: 'failed', error: error.message });
        logger.warn('source is not usable video', { videoId: job.videoId, refusal: error.refusal, reason: error.message });
        return 'failed';
      }
      throw error;
    }
    const probeMs = performance.now() - probeStarted;
    const ladder = chooseLadder(source, deps.ladder);
    logger.info('probed', { videoId: job.videoId, source, rungs: ladder.map((r) => `${r.width}x${r.height}`) });

    await status.set({ state: 'transcoding' }, PROGRESS.probed);
    const transcodeStarted = performance.now();
    const fractions = new Map<number, number>();
    const published: Array<MasterVariant & { bytes: number; segments: number }> = [];
    const bounds = renditionBounds(deps.ffmpegLimits ?? DEFAULT_FFMPEG_LIMITS, source.durationSeconds);
    const tasks = ladder.map(
      (rung): TranscodeTask => ({
        videoId: job.videoId,
        ffmpegPath: deps.binaries.ffmpeg,
        sourcePath,
        sourceFormat: source.input.format,
        maxSourcePixels: source.input.maxPixels,
        outputDir: join(workDir, `${rung.label}p`),
        rung,
        frameRate: source.frameRate,
        hasAudio: source.hasAudio,
        sourceColour: source.colour,
        keyframeSeconds: KEYFRAME_SECONDS,
        segmentSeconds: SEGMENT_SECONDS,
        durationSeconds: source.durationSeconds,
        preset: deps.preset,
        timeoutMs: bounds.timeoutMs,
        memoryBytes: bounds.memoryBytes,
      }),
    );
    // The first rung to fail stops the others: the job's outcome is decided already.
    await deps.pool.runLadder(
      tasks,
      async ({ rung, outputDir }, result) => {
        const variant = await publishRendition(job, rung, result, source, outputDir, store);
        published.push(variant);
        await store.put(outputKeys.master(job.videoId), masterPlaylist(published));
        await status.addRendition(toEntry(variant));
        logger.info('rendition published', { videoId: job.videoId, label: rung.label, elapsedMs: Math.round(result.elapsedMs) });
      },
      {
        ...(signal ? { signal } : {}),
        onProgress: ({ label, fraction }) => {
          fractions.set(label, fraction);
          const done = [...fractions.values()].reduce((a, b) => a + b, 0) / ladder.length;
          status.progress(PROGRESS.probed + done * (PROGRESS.transcoded - PROGRESS.probed));
        },
      },
    );
    const transcodeMs = performance.now() - transcodeStarted;

    await status.set({ state: 'publishing' }, PROGRESS.transcoded);
    const publishStarted = performance.now();
    const top = ladder[ladder.length - 1]!;
    const poster = await makePoster(job, deps, source, top, join(workDir, 'poster.jpg'), signal);
    const manifest: VideoManifest = {
      videoId: job.videoId,
      owner: job.owner,
      source: { key: job.key, etag: job.etag, size: job.size },
      durationSeconds: source.durationSeconds,
      master: 'master.m3u8',
      poster,
      renditions: published
        .sort((a, b) => a.bandwidth - b.bandwidth)
        .map((v) => ({ ...toEntry(v), bytes: v.bytes, segments: v.segments })),
      timings: {
        receivedAt: receivedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        probeMs: Math.round(probeMs),
        transcodeMs: Math.round(transcodeMs),
        publishMs: Math.round(performance.now() - publishStarted),
      },
    };
    await store.putJson(outputKeys.manifest(job.videoId), manifest);
    await status.set({ state: 'ready', durationSeconds: source.durationSeconds, poster: poster !== null }, 1);
    return 'ready';
  } catch (error) {
    // Stopped from outside (shutdown, the message lost or out of time): the consumer decides.
    if (signal?.aborted) throw new JobError(`job for ${job.videoId} stopped`, job.videoId, true, { cause: signal.reason });
    const jobError = toJobError(error, job.videoId);
    if (jobError.retryable) throw jobError;
    await status.set({ state: 'failed', error: jobError.message });
    logger.warn('job failed', { videoId: job.videoId, reason: jobError.message, detail: failureDetail(error) });
    return 'failed';
  } finally {
    await scratch.release();
  }
}

/**
 * The poster's key, or null when ffmpeg could not make one: the ladder is complete and playable
 * without it, so that is a warning, not a reason to encode every rung again.
 */
async function makePoster(job: TranscodeJob, deps: TranscodeJobDeps, source: SourceInfo, top: Rung, path: string, signal?: AbortSignal): Promise<string | null> {
  const bounds = posterBounds(deps.ffmpegLimits ?? DEFAULT_FFMPEG_LIMITS, source.durationSeconds);
  try {
    await extractPoster(deps.binaries.ffmpeg, source.input, path, source.durationSeconds, top.width, top.height, source.colour, bounds, signal);
  } catch (error) {
    if (signal?.aborted || !(error instanceof ChildProcessError)) throw error;
    deps.logger.warn('no poster: the video is ready without one', { videoId: job.videoId, kind: error.kind, error: error.message, detail: error.stderrTail });
    return null;
  }
  await deps.store.putFile(outputKeys.poster(job.videoId), path);
  return 'poster.jpg';
}

function toEntry(variant: MasterVariant): RenditionEntry {
  return { label: variant.label, height: variant.height, width: variant.width, bandwidth: variant.bandwidth, codecs: variant.codecs, playlist: variant.playlist };
}

/** Uploads a rendition's segments, then its playlist (so a listed playlist never points at a missing segment). */
async function publishRendition(
  job: TranscodeJob,
  rung: Rung,
  result: TranscodeResult,
  source: SourceInfo,
  dir: string,
  store: S3Store,
): Promise<MasterVariant & { bytes: number; segments: number }> {
  const sizes: number[] = [];
  for (const file of result.segmentFiles) {
    const path = join(dir, file);
    sizes.push((await stat(path)).size);
    await store.putFile(outputKeys.rendition(job.videoId, rung.label, file), path);
  }
  const playlist = await readFile(join(dir, result.playlistFile), 'utf8');
  await store.put(outputKeys.rendition(job.videoId, rung.label, result.playlistFile), playlist);
  const { peak, average } = measuredBandwidth(segmentDurations(playlist), sizes);
  return {
    label: rung.label,
    height: rung.height,
    width: rung.width,
    bandwidth: peak,
    averageBandwidth: average,
    codecs: hlsCodecs(h264Level(rung.width, rung.height, source.frameRate).idc, source.hasAudio),
    frameRate: source.frameRate,
    playlist: `${rung.label}p/${result.playlistFile}`,
    bytes: result.bytes,
    segments: result.segmentFiles.length,
  };
}

/**
 * The video's status document as the last run left it, or null. One that is not JSON (cut short:
 * a store without atomic PUTs, such as the local emulator, keeps what a killed process sent) says
 * nothing about the video; this run writes it anew rather than failing on it at every delivery.
 */
async function previousStatus(store: TranscodeJobDeps['store'], videoId: string, logger: TranscodeJobDeps['logger']): Promise<unknown> {
  try {
    return await store.getJson(outputKeys.status(videoId));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    logger.warn('status document is not JSON; writing it anew', { videoId, error: error.message });
    return null;
  }
}
