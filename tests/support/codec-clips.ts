import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';

const run = promisify(execFile);

/** Video codecs (and the shapes phones give them) users upload, each made by the test that reads it. */
export type SourceCodec = 'hevc' | 'hevc-10bit' | 'h264-10bit' | 'av1' | 'vp9' | 'prores' | 'mpeg2' | 'phone-hevc-vfr-rotated';

/** The container each codec is written in, as cameras and editors write them. */
export const CODEC_CONTAINER: Readonly<Record<SourceCodec, string>> = {
  'hevc': 'mp4',
  'hevc-10bit': 'mp4',
  'h264-10bit': 'mp4',
  'av1': 'mkv',
  'vp9': 'webm',
  'prores': 'mov',
  'mpeg2': 'ts',
  'phone-hevc-vfr-rotated': 'mov',
};

const HEVC = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'];

const ENCODERS: Readonly<Record<SourceCodec, string[]>> = {
  'hevc': [...HEVC, '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  'hevc-10bit': [...HEVC, '-pix_fmt', 'yuv420p10le', '-c:a', 'aac'],
  'h264-10bit': ['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high10', '-pix_fmt', 'yuv420p10le', '-c:a', 'aac'],
  // libaom's fastest settings: a second of small frames still takes it a few seconds.
  'av1': ['-c:v', 'libaom-av1', '-strict', 'experimental', '-cpu-used', '8', '-lag-in-frames', '0', '-b:v', '200k', '-c:a', 'libopus'],
  'vp9': ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', '-c:a', 'libopus'],
  'prores': ['-c:v', 'prores_ks', '-profile:v', '2', '-pix_fmt', 'yuv422p10le', '-c:a', 'pcm_s16le'],
  'mpeg2': ['-c:v', 'mpeg2video', '-b:v', '1M', '-c:a', 'mp2'],
  // As a phone records: HEVC, frames dropped where the camera was busy, held sideways.
  'phone-hevc-vfr-rotated': [...HEVC, '-pix_fmt', 'yuv420p', '-vf', "select='not(eq(mod(n,5),1))*not(eq(mod(n,7),3))'", '-vsync', 'vfr', '-c:a', 'aac'],
};

/**
 * A short test pattern with a 440 Hz tone encoded as `codec` (container: CODEC_CONTAINER).
 * The phone clip also carries rotation metadata of 90°, written by a stream copy as phones do.
 */
export async function makeCodecClip(path: string, codec: SourceCodec, options: { width?: number; height?: number; seconds?: number } = {}): Promise<void> {
  const { width = 320, height = 180, seconds = 1 } = options;
  const { ffmpeg } = resolveFfmpegBinaries();
  const rotated = codec === 'phone-hevc-vfr-rotated';
  const encoded = rotated ? `${path}.upright.mov` : path;
  await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${codec === 'mpeg2' ? 25 : 30}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), ...ENCODERS[codec], '-shortest', encoded,
  ]);
  if (rotated) {
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', encoded, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path]);
    await rm(encoded, { force: true });
  }
}
