import { runFfprobe } from './run-ffprobe.js';
import { sourceInputArgs, type SourceInput } from './source-input-args.js';

/** One demuxed packet's place in time, in seconds on the file's own clock. */
export interface PacketTime {
  stream: number;
  /** Decode time where the file gives one, else presentation time: rises packet by packet. */
  at: number;
  /** When the packet stops being shown: its latest timestamp plus its duration. */
  end: number;
}

/**
 * Video packets read from the start: enough to measure the frame rate (half a second at 240 fps,
 * five at 24), and few enough that the read, which every upload waits for, stays short.
 */
export const HEAD_PACKETS = 120;
/** The tail read starts this long before the claimed end (the demuxer lands on a keyframe before it). */
export const TAIL_SECONDS = 5;
/** Packets of every stream read from there at most: many seconds' worth for any accepted file. */
export const TAIL_PACKETS = 20_000;

/**
 * The first packets (no decoding) of one video stream: what the frame rate is measured from.
 * `stream` is an index, or `V:0` (the first video stream that is not a cover picture, the one
 * the probe takes as the video), which needs nothing from the header: that read runs beside it.
 */
export function headPackets(ffprobe: string, input: SourceInput, stream: number | 'V:0', timeoutMs: number, stop?: AbortSignal): Promise<PacketTime[]> {
  return readPackets(ffprobe, input, ['-select_streams', String(stream), '-read_intervals', `%+#${HEAD_PACKETS}`], timeoutMs, stop);
}

/**
 * Packets of every stream from just before the claimed end of the file to its real end: what
 * shows whether the header's duration is there. `claimedEnd` is the header's start time plus
 * its duration.
 */
export function tailPackets(ffprobe: string, input: SourceInput, claimedEnd: number, timeoutMs: number): Promise<PacketTime[]> {
  const tailStart = Math.max(0, claimedEnd - TAIL_SECONDS);
  return readPackets(ffprobe, input, ['-read_intervals', `${tailStart.toFixed(3)}%+#${TAIL_PACKETS}`], timeoutMs);
}

async function readPackets(ffprobe: string, input: SourceInput, extra: string[], timeoutMs: number, stop?: AbortSignal): Promise<PacketTime[]> {
  const { stdout } = await runFfprobe(
    ffprobe,
    ['-v', 'error', '-threads', '1', ...extra, '-show_entries', 'packet=stream_index,pts_time,dts_time,duration_time', '-print_format', 'compact=p=0', ...sourceInputArgs(input)],
    timeoutMs,
    stop,
  );
  return parsePackets(stdout);
}

/** Parses ffprobe's compact packet lines (`stream_index=0|pts_time=1.0|dts_time=N/A|…`); packets without any time are left out. */
export function parsePackets(stdout: string): PacketTime[] {
  const packets: PacketTime[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.includes('stream_index=')) continue;
    const fields = new Map(line.trim().split('|').map((pair) => pair.split('=', 2) as [string, string]));
    const number = (key: string) => {
      const value = Number(fields.get(key));
      return fields.get(key) !== undefined && fields.get(key) !== 'N/A' && Number.isFinite(value) ? value : undefined;
    };
    const pts = number('pts_time');
    const dts = number('dts_time');
    const at = dts ?? pts;
    if (at === undefined) continue;
    packets.push({ stream: number('stream_index') ?? -1, at, end: Math.max(pts ?? at, dts ?? at) + Math.max(0, number('duration_time') ?? 0) });
  }
  return packets;
}
