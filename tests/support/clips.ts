import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';

export interface ClipOptions {
  width?: number;
  height?: number;
  seconds?: number;
  /** Include a 440 Hz tone. Default true. */
  audio?: boolean;
  /** Display rotation stored as metadata, as phones do (degrees). */
  rotate?: 90 | 180 | 270;
  /** Drop frames irregularly and keep the gaps: a variable frame rate. */
  variableFrameRate?: boolean;
  /**
   * Cover the picture in moving noise and encode it losslessly: a big file (about 10 MB a second
   * at 640×360) for tests that need an upload of many parts.
   */
  noise?: boolean;
}

/** Generates a test-pattern clip (with a tone) with the real ffmpeg: what tests upload. */
export async function makeTestClip(path: string, options: ClipOptions = {}): Promise<void> {
  const { width = 640, height = 360, seconds = 3, audio = true } = options;
  const { ffmpeg } = resolveFfmpegBinaries();
  const filters = [
    ...(options.variableFrameRate ? ["select='not(eq(mod(n,5),1))*not(eq(mod(n,7),3))'"] : []),
    ...(options.noise ? ['noise=alls=40:allf=t'] : []),
  ];
  await promisify(execFile)(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=25`,
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    '-t', String(seconds),
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    ...(options.variableFrameRate ? ['-vsync', 'vfr'] : []),
    ...(options.noise ? ['-qp', '0'] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
    options.rotate ? `${path}.upright.mp4` : path,
  ]);
  if (options.rotate) {
    // Encoding drops rotation metadata; a stream copy keeps what it is told, as a phone writes it.
    await promisify(execFile)(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', `${path}.upright.mp4`, '-c', 'copy', '-metadata:s:v:0', `rotate=${options.rotate}`, path]);
    await rm(`${path}.upright.mp4`, { force: true });
  }
}

/** ffprobe's view of a media URL or file: codec and size of each stream; throws if it cannot decode. */
export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
}

export async function probeStreams(target: string): Promise<ProbedStream[]> {
  const { ffprobe } = resolveFfmpegBinaries();
  const { stdout } = await promisify(execFile)(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', target]);
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

/** Decodes every frame of `target` with ffmpeg (output discarded); rejects on any decode error. */
export async function decodeFully(target: string): Promise<void> {
  const { ffmpeg } = resolveFfmpegBinaries();
  await promisify(execFile)(ffmpeg, ['-v', 'error', '-xerror', '-i', target, '-f', 'null', '-']);
}
