import { stat } from 'node:fs/promises';
import type { SourceColour } from '@hoist/shared';
import { z } from 'zod';
import { readHead, refusalReason, sniffContainer } from '../media/container-sniff.js';
import { checkDurationPlausible, measuredFrameRate } from '../media/duration-plausibility.js';
import {
  DEFAULT_MEDIA_LIMITS,
  checkDuration,
  checkFrameRate,
  checkFrameSize,
  checkStreamCount,
  decoderPixelCap,
  probeTimeoutMs,
  type MediaLimits,
} from '../media/media-limits.js';
import { headPackets, tailPackets, type PacketTime } from '../media/packet-sample.js';
import { runFfprobe } from '../media/run-ffprobe.js';
import { sourceInputArgs, type SourceInput } from '../media/source-input-args.js';
import { UnusableMediaError } from '../media/unusable-media.js';
import { sourceColour } from './colour.js';

export { UnusableMediaError } from '../media/unusable-media.js';

const Stream = z.object({
  index: z.number().int().nonnegative(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  pix_fmt: z.string().optional(),
  color_transfer: z.string().optional(),
  color_primaries: z.string().optional(),
  color_space: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).passthrough().optional(),
});
const ProbeOutput = z.object({
  streams: z.array(Stream).default([]),
  format: z.object({ duration: z.string().optional(), start_time: z.string().optional(), format_name: z.string().optional() }).optional(),
});
type ProbeOutput = z.infer<typeof ProbeOutput>;

/** What the ladder and tasks need to know about a source. */
export interface SourceInfo {
  /** Display size: rotation already applied, as a player would show it. */
  width: number;
  height: number;
  frameRate: number;
  durationSeconds: number;
  hasAudio: boolean;
  videoCodec: string;
  pixelFormat: string;
  /** Colour tags (transfer, primaries, matrix): HLG and PQ are tone-mapped (colour.ts). */
  colour: SourceColour;
  /** How every later ffmpeg run reads it (source-input-args.ts). */
  input: SourceInput;
}

/** A source read where it is stored: its URL, its size and its first bytes (SNIFF_BYTES of them). */
export interface RemoteSource {
  path: string;
  bytes: number;
  head: Uint8Array;
}

/** How a decoder capped by -max_pixels names the frame it refused. */
const PICTURE_TOO_LARGE = /Picture size (\d+)x(\d+) exceeds/;

function rate(text: string | undefined): number {
  const [num, den] = (text ?? '').split('/').map(Number);
  return num && den ? num / den : 0;
}

/**
 * The media gate: tells what the source (a file, or a URL with its size and first bytes) is and refuses it, with a reason, before any encoding,
 * unless it is video the fleet accepts. In order:
 * 1. the container, from the file's own bytes, must be on the allow-list;
 * 2. ffprobe reads the header with that demuxer forced, local files only and decoders capped at
 *    the frame limit: stream count and frame size are checked;
 * 3. a short read of real packets (the first video ones, the last ones of the file) gives the
 *    frame rate and shows whether the claimed duration is there at all; then the duration limit.
 * Every ffprobe run is killed after a few seconds plus a share of the file's size.
 * Throws UnusableMediaError for what the file causes; anything else is the machine's.
 */
export async function probeSource(ffprobe: string, source: string | RemoteSource, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): Promise<SourceInfo> {
  const { path, bytes, head } = typeof source === 'string' ? { path: source, bytes: (await stat(source)).size, head: await readHead(source) } : source;
  const sniffed = sniffContainer(head, bytes);
  if (!sniffed.accepted) throw new UnusableMediaError(refusalReason(sniffed), 'not-video');
  const input: SourceInput = { path, format: sniffed.format, maxPixels: decoderPixelCap(limits) };
  const timeoutMs = probeTimeoutMs(bytes);

  // The first video packets are read beside the header (both are short reads of the start);
  // that read is stopped as soon as the file is refused.
  const refusal = new AbortController();
  const firstPackets = headPackets(ffprobe, input, 'V:0', timeoutMs, refusal.signal);
  firstPackets.catch(() => {});
  try {
    return await checkedSource(ffprobe, input, bytes, limits, timeoutMs, firstPackets);
  } finally {
    refusal.abort(new Error('the probe is over'));
  }
}

/** The rest of the media gate (probeSource), from the header on. */
async function checkedSource(ffprobe: string, input: SourceInput, bytes: number, limits: MediaLimits, timeoutMs: number, firstPackets: Promise<PacketTime[]>): Promise<SourceInfo> {
  const header = await runFfprobe(ffprobe, ['-v', 'error', '-threads', '1', '-print_format', 'json', '-show_format', '-show_streams', ...sourceInputArgs(input)], timeoutMs).catch(
    (error: unknown) => {
      // Newer ffprobe builds give up on a frame over -max_pixels instead of describing the rest:
      // the refusal is then the frame limit's, said as such.
      const refused = error instanceof UnusableMediaError ? PICTURE_TOO_LARGE.exec(error.message) : null;
      if (refused) checkFrameSize(Number(refused[1]), Number(refused[2]), limits);
      throw error;
    },
  );
  const output = parseProbeOutput(header.stdout);
  checkStreamCount(output.streams.length, limits);
  const videos = output.streams.filter((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  for (const stream of videos) if (stream.width && stream.height) checkFrameSize(stream.width, stream.height, limits);
  // A decoder that refused a frame over -max_pixels names its size, whatever the container said.
  const refused = PICTURE_TOO_LARGE.exec(header.stderr);
  if (refused) checkFrameSize(Number(refused[1]), Number(refused[2]), limits);
  const video = videos[0];
  if (!video?.width || !video.height) throw new UnusableMediaError('the file has no video stream');
  const durationSeconds = Number(output.format?.duration ?? 0);
  if (!(durationSeconds > 0)) throw new UnusableMediaError('the video has no duration: it may be truncated');

  const startSeconds = Number(output.format?.start_time ?? 0) || 0;
  const [firstVideo, tail] = await Promise.all([
    // Read again by index where `V:0` gave nothing or another stream than the header's choice
    // (a file whose video is flagged as a thumbnail, say): the rate is always measured from the
    // stream that will be encoded.
    firstPackets.then((packets) => (packets.length > 0 && packets.every((p) => p.stream === video.index) ? packets : headPackets(ffprobe, input, video.index, timeoutMs))),
    tailPackets(ffprobe, input, startSeconds + durationSeconds, timeoutMs),
  ]);
  const measured = measuredFrameRate(firstVideo);
  checkFrameRate(measured ?? rate(video.avg_frame_rate), measured !== undefined, limits);
  checkDurationPlausible({
    claimedSeconds: durationSeconds,
    startSeconds,
    bytes,
    tail,
    mediaStreams: new Set(output.streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio').map((s) => s.index)),
  });
  checkDuration(durationSeconds, limits);

  const rotation = Number(video.tags?.['rotate'] ?? video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0);
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const frameRate = rate(video.avg_frame_rate) || rate(video.r_frame_rate);
  return {
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    frameRate: frameRate > 0 && frameRate <= 120 ? frameRate : 30,
    durationSeconds,
    hasAudio: output.streams.some((s) => s.codec_type === 'audio'),
    videoCodec: video.codec_name ?? 'unknown',
    pixelFormat: video.pix_fmt ?? 'unknown',
    colour: sourceColour(video),
    input,
  };
}

function parseProbeOutput(stdout: string): ProbeOutput {
  try {
    return ProbeOutput.parse(JSON.parse(stdout));
  } catch {
    throw new UnusableMediaError('not a readable media file: ffprobe could not describe it');
  }
}
