import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkPlan, Rung } from '@hoist/shared';
import { KEYFRAME_SECONDS, SEGMENT_SECONDS, planChunks } from '../../worker-fleet/src/fleet/chunk-planner.js';
import { encodePasses } from '../../worker-fleet/src/fleet/encode-unit.js';
import { hlsSegmentOptionsFlag } from '../../worker-fleet/src/transcode/hls-segment-options.js';
import { audioArgs, trackDir, videoChunkArgs } from '../../worker-fleet/src/transcode/encode-args.js';
import type { EncodePool } from '../../worker-fleet/src/transcode/encode-pool.js';
import { DEFAULT_FFMPEG_LIMITS, renditionBounds } from '../../worker-fleet/src/transcode/ffmpeg-bounds.js';
import type { SourceInfo } from '../../worker-fleet/src/transcode/probe.js';
import { dynamicRange } from '../../worker-fleet/src/transcode/colour.js';
import { makeToneMapLut } from '../../worker-fleet/src/transcode/tone-map-lut.js';

/** A one-chunk plan for a local source, as runTranscodeJob makes it for a short video. */
export function benchPlan(info: SourceInfo, rungs: Rung[], chunkSeconds = 60): ChunkPlan {
  const now = new Date().toISOString();
  return {
    version: 1, videoId: '0123456789abcdefghjkmnpqrs', owner: 'bench', sourceKey: 'uploads/bench/0123456789abcdefghjkmnpqrs/source.mp4', sourceEtag: 'bench', sourceSize: 1,
    receivedAt: now, createdAt: now, durationSeconds: info.durationSeconds, sourceFormat: info.input.format, maxSourcePixels: info.input.maxPixels,
    sourceColour: info.colour, frameRate: info.frameRate, hasAudio: info.hasAudio, keyframeSeconds: KEYFRAME_SECONDS, segmentSeconds: SEGMENT_SECONDS,
    chunkSeconds, preset: 'veryfast', rungs, chunks: planChunks(info.durationSeconds, chunkSeconds),
  };
}

/**
 * Hoist's encode of a video shorter than two chunks, exactly as the fleet runs it (encode-unit.ts):
 * an HDR source's tone-mapping LUT first, then its chunks in order (the first one short segment,
 * its lowest rung ahead of the others), each every rung from one decode, and the audio beside
 * them, each a task of the pool.
 */
export async function hoistLadder(pool: EncodePool, ffmpeg: string, plan: ChunkPlan, sourcePath: string, outDir: string): Promise<void> {
  const source = { path: sourcePath };
  const bounds = renditionBounds(DEFAULT_FFMPEG_LIMITS, plan.durationSeconds);
  const video = join(outDir, 'video');
  const audio = join(outDir, 'audio-unit');
  await mkdir(video, { recursive: true });
  const lut = dynamicRange(plan.sourceColour) === 'sdr' ? undefined : await makeToneMapLut(ffmpeg, plan.sourceColour, video, bounds);
  const tools = { segmentOptionsFlag: await hlsSegmentOptionsFlag(ffmpeg), ...(lut ? { toneMapLut: lut } : {}) };
  await Promise.all([
    (async () => {
      // The chunks one after another (the first, one short segment, makes the video playable:
      // its lowest rung alone first, then its other rungs), each pass as the fleet runs it.
      for (const chunk of plan.chunks) {
        const dir = join(video, String(chunk.index));
        for (const pass of encodePasses(plan, { kind: 'video', index: chunk.index })) {
          const args = videoChunkArgs(plan, chunk, source, dir, tools, pass.rungs);
          await pool.run({ what: 'a chunk', ffmpegPath: ffmpeg, args, outputDirs: pass.tracks.map((track) => trackDir(dir, track)), durationSeconds: chunk.durationSeconds, ...bounds });
        }
      }
    })(),
    ...(plan.hasAudio ? [pool.run({ what: 'the audio', ffmpegPath: ffmpeg, args: audioArgs(plan, source, audio), outputDirs: [trackDir(audio, 'audio')], durationSeconds: plan.durationSeconds, ...bounds })] : []),
  ]);
}
