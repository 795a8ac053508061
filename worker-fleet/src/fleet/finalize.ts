import { join } from 'node:path';
import { outputKeys, type ChunkPlan, type RenditionEntry, type SegmentEntry, type UnitRecord, type VideoManifest } from '@hoist/shared';
import { ChildProcessError } from '../process/bounded-process.js';
import { DEFAULT_FFMPEG_LIMITS, posterBounds } from '../transcode/ffmpeg-bounds.js';
import { hlsCodecs, h264Level } from '../transcode/h264-level.js';
import { masterPlaylist, measuredBandwidth, type MasterVariant } from '../transcode/playlists.js';
import { LadderPublisher, PLAYLIST_FILE } from './ladder-publisher.js';
import { extractPoster } from '../transcode/poster.js';
import type { EncodeUnitDeps } from './encode-unit.js';
import type { StatusReporter } from './status-reporter.js';


/**
 * Turns every unit's record into the finished ladder: each rung's playlist completed (its
 * chunks' entries in order, then EXT-X-ENDLIST) and the audio's, then the master with measured
 * bandwidths, then the poster, the manifest and the status `ready`. Playlists name only
 * segments already in the bucket (the records say so). Writing the same records again writes the same documents, so
 * a finalize that is cut short and run again ends in the same ladder.
 */
export async function finalizeVideo(
  plan: ChunkPlan,
  records: readonly UnitRecord[],
  deps: EncodeUnitDeps & { status: StatusReporter },
  signal?: AbortSignal,
): Promise<'ready' | 'failed'> {
  const started = performance.now();
  const { store } = deps;
  const video = records.filter((r) => r.unit.kind === 'video').sort((a, b) => index(a) - index(b));
  const audio = records.find((r) => r.unit.kind === 'audio');
  const track = (name: string, from: readonly UnitRecord[]): SegmentEntry[] => from.flatMap((r) => r.tracks.find((t) => t.name === name)?.segments ?? []);

  const publisher = new LadderPublisher(store, plan);
  let audioPeak = 0;
  let audioAverage = 0;
  let audioPlaylist: string | undefined;
  if (audio) {
    const segments = track(outputKeys.audioDir, [audio]);
    ({ peak: audioPeak, average: audioAverage } = measuredBandwidth(segments.map((s) => s.seconds), segments.map((s) => s.bytes)));
    await publisher.extend(outputKeys.audioDir, segments, true);
    audioPlaylist = `${outputKeys.audioDir}/${PLAYLIST_FILE}`;
  }
  const variants: Array<MasterVariant & { bytes: number; segments: number }> = [];
  for (const rung of plan.rungs) {
    const segments = track(outputKeys.renditionDir(rung.label), video);
    // The EVENT playlist players may be reading, completed: the rest of its segments and EXT-X-ENDLIST.
    await publisher.extend(outputKeys.renditionDir(rung.label), segments, true);
    const { peak, average } = measuredBandwidth(segments.map((s) => s.seconds), segments.map((s) => s.bytes));
    variants.push({
      label: rung.label,
      width: rung.width,
      height: rung.height,
      // The presentation's rate: this rung's video plus the one audio every rung plays with.
      bandwidth: peak + audioPeak,
      averageBandwidth: average + audioAverage,
      codecs: hlsCodecs(h264Level(rung.width, rung.height, plan.frameRate).idc, plan.hasAudio),
      frameRate: plan.frameRate,
      playlist: `${outputKeys.renditionDir(rung.label)}/${PLAYLIST_FILE}`,
      bytes: segments.reduce((sum, s) => sum + s.bytes, 0),
      segments: segments.length,
    });
  }
  // The master once more, now with bandwidths measured from the segments written.
  await store.put(outputKeys.master(plan.videoId), masterPlaylist(variants, audioPlaylist));

  const poster = await makePoster(plan, deps, signal);
  const renditions = variants.sort((a, b) => a.bandwidth - b.bandwidth).map((v) => ({ ...toEntry(v), bytes: v.bytes, segments: v.segments }));
  const transcodeMs = Math.max(0, ...records.map((r) => r.elapsedMs));
  const manifest: VideoManifest = {
    videoId: plan.videoId,
    owner: plan.owner,
    source: { key: plan.sourceKey, etag: plan.sourceEtag, size: plan.sourceSize },
    durationSeconds: plan.durationSeconds,
    master: 'master.m3u8',
    poster,
    renditions,
    timings: {
      receivedAt: plan.receivedAt,
      finishedAt: new Date().toISOString(),
      probeMs: Math.max(0, Date.parse(plan.createdAt) - Date.parse(plan.receivedAt)),
      transcodeMs,
      publishMs: Math.round(performance.now() - started),
    },
  };
  await store.putJson(outputKeys.manifest(plan.videoId), manifest);
  const written = await deps.status.set({ state: 'ready', durationSeconds: plan.durationSeconds, poster: poster !== null, renditions: renditions.map(toEntry) }, 1, {
    done: plan.chunks.length,
    total: plan.chunks.length,
  });
  deps.logger.info('finalized', { videoId: plan.videoId, finalizeMs: Math.round(performance.now() - started), chunks: plan.chunks.length });
  return written ? 'ready' : 'failed';
}

const index = (record: UnitRecord) => (record.unit.kind === 'video' ? record.unit.index : Number.MAX_SAFE_INTEGER);

/**
 * The poster's file name, or null when ffmpeg could not make one: the ladder is complete and
 * playable without it, so that is a warning, not a reason to encode every chunk again.
 */
async function makePoster(plan: ChunkPlan, deps: EncodeUnitDeps, signal?: AbortSignal): Promise<string | null> {
  const top = plan.rungs[plan.rungs.length - 1]!;
  const bounds = posterBounds(deps.ffmpegLimits ?? DEFAULT_FFMPEG_LIMITS, plan.durationSeconds);
  // A JPEG of the top rung is well under a byte per pixel.
  const scratch = await deps.scratch.claim(plan.videoId, top.width * top.height);
  if (scratch.kind !== 'claimed') {
    deps.logger.warn('no poster: no scratch space for it; the video is ready without one', { videoId: plan.videoId, reason: scratch.reason });
    return null;
  }
  try {
    const path = join(scratch.dir, 'poster.jpg');
    const url = await deps.store.presignGet(plan.sourceKey, bounds.timeoutMs / 1000 + 60);
    try {
      await extractPoster(deps.binaries.ffmpeg, { path: url, format: plan.sourceFormat, maxPixels: plan.maxSourcePixels }, path, plan.durationSeconds, top.width, top.height, plan.sourceColour, bounds, signal);
    } catch (error) {
      if (signal?.aborted || !(error instanceof ChildProcessError)) throw error;
      deps.logger.warn('no poster: the video is ready without one', { videoId: plan.videoId, kind: error.kind, error: error.message, detail: error.stderrTail });
      return null;
    }
    await deps.store.putFile(outputKeys.poster(plan.videoId), path);
    return 'poster.jpg';
  } finally {
    await scratch.release();
  }
}

function toEntry(variant: RenditionEntry): RenditionEntry {
  return { label: variant.label, height: variant.height, width: variant.width, bandwidth: variant.bandwidth, codecs: variant.codecs, playlist: variant.playlist };
}
