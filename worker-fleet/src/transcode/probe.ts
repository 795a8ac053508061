import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

const Stream = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  pix_fmt: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).passthrough().optional(),
});
const ProbeOutput = z.object({
  streams: z.array(Stream).default([]),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
});

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
}

/** A file ffprobe can read but that is no usable video, or that it cannot read at all. */
export class UnusableMediaError extends Error {
  override name = 'UnusableMediaError';
}

function rate(text: string | undefined): number {
  const [num, den] = (text ?? '').split('/').map(Number);
  return num && den ? num / den : 0;
}

/** Runs ffprobe on `path` and reads the first real video stream (cover art is not video). */
export async function probeSource(ffprobe: string, path: string): Promise<SourceInfo> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      { maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? '';
    throw new UnusableMediaError(`not a readable media file${stderr ? `: ${stderr}` : ''}`);
  }
  const output = ProbeOutput.parse(JSON.parse(stdout));
  const video = output.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video?.width || !video.height) throw new UnusableMediaError('the file has no video stream');
  const rotation = Number(video.tags?.['rotate'] ?? video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0);
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const durationSeconds = Number(output.format?.duration ?? 0);
  if (!(durationSeconds > 0)) throw new UnusableMediaError('the video has no duration: it may be truncated');
  const frameRate = rate(video.avg_frame_rate) || rate(video.r_frame_rate);
  return {
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    frameRate: frameRate > 0 && frameRate <= 120 ? frameRate : 30,
    durationSeconds,
    hasAudio: output.streams.some((s) => s.codec_type === 'audio'),
    videoCodec: video.codec_name ?? 'unknown',
    pixelFormat: video.pix_fmt ?? 'unknown',
  };
}
