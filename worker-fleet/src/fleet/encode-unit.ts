import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { outputKeys, unitName, type ChunkPlan, type Rung, type SegmentEntry, type UnitRecord, type WorkUnit } from '@hoist/shared';
import type { Logger } from '../logger.js';
import type { S3Store } from '../storage/s3-store.js';
import { hlsSegmentOptionsFlag } from '../transcode/hls-segment-options.js';
import { AUDIO_BITRATE, UNIT_PLAYLIST, audioArgs, trackDir, videoChunkArgs } from '../transcode/encode-args.js';
import type { EncodePool } from '../transcode/encode-pool.js';
import type { FfmpegBinaries } from '../transcode/ffmpeg-binaries.js';
import { DEFAULT_FFMPEG_LIMITS, renditionBounds, type FfmpegLimits } from '../transcode/ffmpeg-bounds.js';
import { playlistSegments } from '../transcode/playlists.js';
import { dynamicRange } from '../transcode/colour.js';
import { makeToneMapLut } from '../transcode/tone-map-lut.js';
import { JobError } from './job-errors.js';
import type { ScratchSpace } from './scratch-space.js';

export interface EncodeUnitDeps {
  store: S3Store;
  pool: EncodePool;
  binaries: FfmpegBinaries;
  scratch: ScratchSpace;
  logger: Logger;
  ffmpegLimits?: FfmpegLimits;
}

/** Making the tone-mapping LUT: one small frame through one filter chain. */
const LUT_BOUNDS = { timeoutMs: 60_000, memoryBytes: 1024 ** 3 };

/** Segments uploaded at once per unit. */
const UPLOADS_AT_ONCE = 4;

/** The unit as the uploader reads it in a failure: `chunk 3 of 120 (2:00 to 3:00)`, `the audio`. */
export function describeUnit(plan: ChunkPlan, unit: WorkUnit): string {
  if (unit.kind === 'audio') return 'the audio';
  const chunk = plan.chunks[unit.index]!;
  return `chunk ${unit.index + 1} of ${plan.chunks.length} (${clock(chunk.startSeconds)} to ${clock(chunk.startSeconds + chunk.durationSeconds)})`;
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return hms[0] ? `${hms[0]}:${String(hms[1]).padStart(2, '0')}:${String(hms[2]).padStart(2, '0')}` : `${hms[1]}:${String(hms[2]).padStart(2, '0')}`;
}

/** Seconds of video (or audio) a unit covers. */
export function unitSeconds(plan: ChunkPlan, unit: WorkUnit): number {
  return unit.kind === 'audio' ? plan.durationSeconds : plan.chunks[unit.index]!.durationSeconds;
}

/** What a unit writes to the scratch disk, from the rates it is encoded at: its peak rates over its length. */
function estimatedOutputBytes(plan: ChunkPlan, unit: WorkUnit): number {
  const bitsPerSecond = unit.kind === 'audio' ? AUDIO_BITRATE : plan.rungs.reduce((sum, rung) => sum + rung.maxVideoBitrate, 0);
  return Math.ceil((bitsPerSecond / 8) * unitSeconds(plan, unit));
}

export interface EncodedUnit {
  record: UnitRecord;
  /** The ffmpeg run alone, of the unit's whole time. */
  encodeMs: number;
}

/**
 * Encodes one unit of a plan and puts its segments in the bucket under their final names; the
 * caller records it (the record is what makes the unit count as done, so a unit cut short
 * leaves segments no playlist names, never a playlist naming missing segments). The source is
 * read from S3 through a presigned URL that lives as long as the run may; the scratch disk
 * holds only this unit's output.
 */
export interface EncodeUnitOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /**
   * Called while ffmpeg runs, each time a track has new segments in the bucket, with all of that
   * track's segments so far (the audio publishes them at once).
   */
  onSegments?: (track: string, segments: readonly SegmentEntry[]) => Promise<void>;
  /**
   * Called when the tracks encoded ahead of the rest of the unit are all in the bucket (the
   * first chunk's lowest rung: see encodePasses), with their segments.
   */
  onLeadingTracks?: (tracks: readonly { name: string; segments: readonly SegmentEntry[] }[]) => Promise<void>;
}

/** One ffmpeg run of a unit: the rungs it encodes, its tracks, and its share of the unit's work. */
interface EncodePass {
  rungs: readonly Rung[];
  tracks: string[];
  share: number;
}

/**
 * How a unit is run. The first chunk of a video with several rungs runs twice: its lowest rung
 * alone first (a few hundred milliseconds for its one segment), published at once so the video
 * is playable, then its other rungs from a second decode of the same seconds; players start on
 * the lowest rung (the master lists it first) and move up as the rest arrives. Every other unit
 * is one run: one decode feeding every rung, or the audio.
 */
export function encodePasses(plan: ChunkPlan, unit: WorkUnit): EncodePass[] {
  if (unit.kind === 'audio') return [{ rungs: [], tracks: [outputKeys.audioDir], share: 1 }];
  const pass = (rungs: readonly Rung[], share: number): EncodePass => ({ rungs, tracks: rungs.map((rung) => outputKeys.renditionDir(rung.label)), share });
  if (unit.index > 0 || plan.rungs.length < 2) return [pass(plan.rungs, 1)];
  const pixels = (rungs: readonly Rung[]) => rungs.reduce((sum, rung) => sum + rung.width * rung.height, 0);
  const [lowest, ...rest] = plan.rungs;
  const share = pixels([lowest!]) / pixels(plan.rungs);
  return [pass([lowest!], share), pass(rest, 1 - share)];
}

/** How often a running encode looks for segments ffmpeg has closed, to upload them. */
const SEGMENT_POLL_MS = 250;

export async function encodeUnit(plan: ChunkPlan, unit: WorkUnit, deps: EncodeUnitDeps, options: EncodeUnitOptions = {}): Promise<EncodedUnit> {
  const started = performance.now();
  const what = describeUnit(plan, unit);
  const scratch = await deps.scratch.claim(plan.videoId, estimatedOutputBytes(plan, unit));
  if (scratch.kind === 'never') throw new JobError(scratch.reason, plan.videoId, false);
  if (scratch.kind === 'busy') throw new JobError(scratch.reason, plan.videoId, true);
  try {
    const seconds = unitSeconds(plan, unit);
    const bounds = renditionBounds(deps.ffmpegLimits ?? DEFAULT_FFMPEG_LIMITS, seconds);
    const source = { path: await deps.store.presignGet(plan.sourceKey, bounds.timeoutMs / 1000 + 60) };
    const passes = encodePasses(plan, unit);
    const tracks = passes.flatMap((pass) => pass.tracks);
    deps.logger.info('encoding', { videoId: plan.videoId, unit: unitName(unit), what, seconds });
    const hdr = unit.kind === 'video' && dynamicRange(plan.sourceColour) !== 'sdr';
    const lut = hdr ? await makeToneMapLut(deps.binaries.ffmpeg, plan.sourceColour, scratch.dir, LUT_BOUNDS, options.signal) : undefined;
    const tools = {
      ...(unit.kind === 'video' && unit.index > 0 ? { segmentOptionsFlag: await hlsSegmentOptionsFlag(deps.binaries.ffmpeg) } : {}),
      ...(lut ? { toneMapLut: lut } : {}),
    };
    const uploads = new SegmentUploads(plan, deps.store, scratch.dir);
    let encodeMs = 0;
    let passesDone = 0;
    for (const pass of passes) {
      const args =
        unit.kind === 'audio'
          ? audioArgs(plan, source, scratch.dir)
          : videoChunkArgs(plan, plan.chunks[unit.index]!, source, scratch.dir, tools, pass.rungs);
      // Segments go up as ffmpeg closes them, overlapping the upload with the encode.
      let polling = Promise.resolve();
      const poll = setInterval(() => {
        polling = polling.then(async () => {
          for (const track of pass.tracks) {
            if (await uploads.uploadNew(track, false)) await options.onSegments?.(track, uploads.segments(track));
          }
        }).catch(() => {});
      }, SEGMENT_POLL_MS);
      try {
        const { elapsedMs } = await deps.pool.run(
          { what, ffmpegPath: deps.binaries.ffmpeg, args, outputDirs: pass.tracks.map((track) => trackDir(scratch.dir, track)), durationSeconds: seconds, timeoutMs: bounds.timeoutMs, memoryBytes: bounds.memoryBytes },
          {
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.onProgress ? { onProgress: (fraction: number) => options.onProgress!(passesDone + fraction * pass.share) } : {}),
          },
        );
        encodeMs += elapsedMs;
      } finally {
        clearInterval(poll);
        await polling;
      }
      passesDone += pass.share;
      for (const track of pass.tracks) await uploads.uploadNew(track, true);
      if (pass !== passes.at(-1)) await options.onLeadingTracks?.(pass.tracks.map((track) => ({ name: track, segments: uploads.segments(track) })));
    }
    const published = tracks.map((track) => ({ name: track, segments: uploads.segments(track) }));
    return {
      record: { unit, tracks: published, seconds, elapsedMs: Math.round(performance.now() - started), finishedAt: new Date().toISOString() },
      encodeMs: Math.round(encodeMs),
    };
  } finally {
    await scratch.release();
  }
}

/**
 * The segments of a unit's tracks put in the bucket so far, in order. ffmpeg lists a segment in
 * its playlist only once the segment is closed (and renamed from its temporary name), so what
 * the playlist lists is whole; after ffmpeg has exited, its last playlist is the full list.
 */
class SegmentUploads {
  readonly #done = new Map<string, SegmentEntry[]>();

  constructor(
    private readonly plan: ChunkPlan,
    private readonly store: S3Store,
    private readonly dir: string,
  ) {}

  segments(track: string): SegmentEntry[] {
    return [...(this.#done.get(track) ?? [])];
  }

  /** Uploads what the track's playlist lists beyond what is up; true when there was any. */
  async uploadNew(track: string, final: boolean): Promise<boolean> {
    const dir = trackDir(this.dir, track);
    const text = await readFile(join(dir, UNIT_PLAYLIST), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && !final) return '';
      throw error;
    });
    const listed = playlistSegments(text).filter((s) => SEGMENT_NAME.test(s.uri));
    const done = this.#done.get(track) ?? [];
    if (final && listed.length === 0) throw new Error(`ffmpeg wrote no ${track} segment`);
    const fresh = listed.slice(done.length);
    for (let i = 0; i < fresh.length; i += UPLOADS_AT_ONCE) {
      done.push(
        ...(await Promise.all(
          fresh.slice(i, i + UPLOADS_AT_ONCE).map(async ({ uri, seconds }) => {
            const path = join(dir, uri);
            const bytes = (await stat(path)).size;
            await this.store.putFile(outputKeys.track(this.plan.videoId, track, uri), path);
            return { uri, seconds, bytes };
          }),
        )),
      );
    }
    this.#done.set(track, done);
    return fresh.length > 0;
  }
}

const SEGMENT_NAME = /^segment_\d{5,}\.ts$/;
