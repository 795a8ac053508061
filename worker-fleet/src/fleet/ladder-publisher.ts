import { outputKeys, unitName, UnitRecord, processingKeys, type ChunkPlan, type SegmentEntry } from '@hoist/shared';
import type { S3Store } from '../storage/s3-store.js';
import { hlsCodecs, h264Level } from '../transcode/h264-level.js';
import { AUDIO_BITRATE } from '../transcode/encode-args.js';
import { masterPlaylist, mediaPlaylist, playlistSegments, type MasterVariant } from '../transcode/playlists.js';

export const PLAYLIST_FILE = 'index.m3u8';

/** How many times a playlist write that lost a race reads again and retries. */
const MAX_ATTEMPTS = 8;

/** A track's key: a rung (`360p`) or the audio. */
export function trackKey(plan: Pick<ChunkPlan, 'videoId'>, track: string, file = PLAYLIST_FILE): string {
  return outputKeys.track(plan.videoId, track, file);
}

/** The master's entry for each rung, before any segment is measured: its encoder's peak rates. */
export function provisionalVariants(plan: ChunkPlan): MasterVariant[] {
  const audio = plan.hasAudio ? AUDIO_BITRATE : 0;
  return plan.rungs.map((rung) => ({
    label: rung.label,
    width: rung.width,
    height: rung.height,
    // x264's VBV lets a 4 s segment carry up to maxrate + bufsize / 4 (bufsize is twice maxrate).
    bandwidth: Math.ceil(rung.maxVideoBitrate * 1.5) + audio,
    averageBandwidth: rung.videoBitrate + audio,
    codecs: hlsCodecs(h264Level(rung.width, rung.height, plan.frameRate).idc, plan.hasAudio),
    frameRate: plan.frameRate,
    playlist: `${outputKeys.renditionDir(rung.label)}/${PLAYLIST_FILE}`,
  }));
}

/**
 * Publishes a video as it is encoded. After the plan: the master with every rung it will have,
 * and the audio group. Then each track's EVENT playlist grows as segments land: a rung's only
 * by whole chunks in order from the start (never with a hole, whatever order the chunks finish
 * in), the audio's as its encoder writes. Every playlist write is conditional on the version
 * read, and only a longer list that starts with what is there is written, so however workers
 * race a playlist never shrinks or changes what it already said.
 */
export class LadderPublisher {
  readonly #records = new Map<number, UnitRecord>();

  constructor(
    private readonly store: S3Store,
    private readonly plan: ChunkPlan,
  ) {}

  /** The master as players first see it (written once the plan stands, before any segment). */
  writeProvisionalMaster(): Promise<void> {
    const audio = this.plan.hasAudio ? `${outputKeys.audioDir}/${PLAYLIST_FILE}` : undefined;
    return this.store.put(outputKeys.master(this.plan.videoId), masterPlaylist(provisionalVariants(this.plan), audio));
  }

  /**
   * Extends every rung by the chunks recorded contiguously from the start. Each rung's playlist
   * says which chunks it holds already (they end on a chunk's first segment), so only the
   * records after those are read.
   */
  async publishRecordedChunks(): Promise<void> {
    await Promise.all(
      this.plan.rungs.map(async (rung) => {
        const track = outputKeys.renditionDir(rung.label);
        const stored = await this.store.getTextWithEtag(trackKey(this.plan, track));
        const held = stored ? playlistSegments(stored.text) : [];
        const next = this.plan.chunks.findIndex((chunk) => chunk.firstSegment === held.length);
        // A playlist that does not end on a chunk boundary is rebuilt from the records alone.
        const from = next === -1 ? 0 : next;
        const segments: SegmentEntry[] = next === -1 ? [] : held.map((s) => ({ ...s, bytes: 0 }));
        for (const chunk of this.plan.chunks.slice(from)) {
          const record = await this.#record(chunk.index);
          if (!record) break;
          segments.push(...(record.tracks.find((t) => t.name === track)?.segments ?? []));
        }
        if (segments.length > held.length) await this.extend(track, segments);
      }),
    );
  }

  /** Makes `track`'s playlist `segments` if that is longer than what it holds and starts with it. */
  async extend(track: string, segments: readonly SegmentEntry[], complete = false): Promise<void> {
    const key = trackKey(this.plan, track);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.getTextWithEtag(key);
      const current = stored ? playlistSegments(stored.text) : [];
      const ended = stored ? /^#EXT-X-ENDLIST\s*$/m.test(stored.text) : false;
      if (ended || (current.length >= segments.length && !complete)) return;
      if (current.some((entry, i) => entry.uri !== segments[i]?.uri)) {
        throw new Error(`${key} lists segments this video's records do not: refusing to rewrite it`);
      }
      const body = mediaPlaylist(segments, this.plan.segmentSeconds, complete);
      if (await this.store.putIf(key, body, stored ? { ifMatch: stored.etag } : 'absent')) return;
    }
    throw new Error(`${key} kept changing under ${MAX_ATTEMPTS} attempts to extend it`);
  }

  /** Seconds from the start a track's published playlist holds. */
  async publishedSeconds(track: string): Promise<number> {
    const stored = await this.store.getTextWithEtag(trackKey(this.plan, track));
    return stored ? playlistSegments(stored.text).reduce((sum, s) => sum + s.seconds, 0) : 0;
  }

  /**
   * Seconds a player can play from the start: what the lowest rung holds (the rung players start
   * on, the master's first; it leads the others by the first chunk, encoded ahead of them, and
   * they grow by whole chunks together after that) and, with sound, what the audio holds too.
   */
  async playableSeconds(): Promise<number> {
    const lowest = outputKeys.renditionDir(this.plan.rungs[0]!.label);
    const [video, audio] = await Promise.all([this.publishedSeconds(lowest), this.plan.hasAudio ? this.publishedSeconds(outputKeys.audioDir) : Number.POSITIVE_INFINITY]);
    return Math.min(video, audio);
  }

  /** A chunk's record; records never change once written, so each is read once. */
  async #record(index: number): Promise<UnitRecord | undefined> {
    const cached = this.#records.get(index);
    if (cached) return cached;
    const value = await this.store.getJson(processingKeys.unit(this.plan.videoId, this.plan.sourceEtag, unitName({ kind: 'video', index })));
    if (value === null) return undefined;
    const record = UnitRecord.parse(value);
    this.#records.set(index, record);
    return record;
  }
}
