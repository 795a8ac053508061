import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';

const run = promisify(execFile);

/** The colourful picture every colour test starts from: ffmpeg's testsrc2, bars and gradients. */
const PICTURE = (width: number, height: number) => `testsrc2=size=${width}x${height}:rate=25`;

export type Mastering = 'sdr' | 'sdr-hevc' | 'hlg' | 'pq';

export interface MasteredClipOptions {
  width?: number;
  height?: number;
  seconds?: number;
}

/**
 * The same picture mastered three ways, as a camera or grading suite would write it:
 * - `sdr`: 8-bit H.264, BT.709, tagged (`sdr-hevc`: the same in 8-bit HEVC);
 * - `hlg`: 10-bit HEVC (x265 Main 10), BT.2020, HLG transfer, tagged as a phone does;
 * - `pq`: 10-bit H.264 (High 10), BT.2020, PQ transfer (SMPTE 2084), tagged as an HDR10 master.
 * The HDR ones are converted from the SDR picture with zscale, SDR white at 100 nits.
 */
export async function makeMasteredClip(path: string, mastering: Mastering, options: MasteredClipOptions = {}): Promise<void> {
  const { width = 640, height = 360, seconds = 1 } = options;
  const { ffmpeg } = resolveFfmpegBinaries();
  const common = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', PICTURE(width, height), '-t', String(seconds)];
  const hevc = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'];
  if (mastering === 'sdr' || mastering === 'sdr-hevc') {
    const encoder = mastering === 'sdr' ? ['-c:v', 'libx264', '-preset', 'ultrafast'] : hevc;
    await run(ffmpeg, [...common, ...encoder, '-pix_fmt', 'yuv420p', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', path]);
    return;
  }
  const transfer = mastering === 'hlg' ? 'arib-std-b67' : 'smpte2084';
  const toHdr = `zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=${transfer}:m=2020_ncl:p=2020:r=tv:npl=100,format=yuv420p10le`;
  const tags = ['-color_primaries', 'bt2020', '-color_trc', transfer, '-colorspace', 'bt2020nc'];
  const encoder = mastering === 'hlg' ? hevc : ['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high10'];
  await run(ffmpeg, [...common, '-vf', toHdr, ...encoder, ...tags, path]);
}

/** Mean SATAVG (signalstats: chroma distance from grey, 8-bit scale) over every frame of `target`. */
export async function meanSaturation(target: string, filterBefore = ''): Promise<number> {
  const { ffmpeg } = resolveFfmpegBinaries();
  const filter = `${filterBefore ? `${filterBefore},` : ''}signalstats,metadata=print:key=lavfi.signalstats.SATAVG:file=-`;
  const { stdout } = await run(ffmpeg, ['-hide_banner', '-nostats', '-loglevel', 'error', '-i', target, '-vf', filter, '-f', 'null', '-'], { maxBuffer: 16 << 20 });
  const values = [...stdout.matchAll(/SATAVG=([\d.]+)/g)].map((m) => Number(m[1]));
  if (values.length === 0) throw new Error(`no frames measured in ${target}`);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** ffprobe's colour tags of the first video stream of `target`. */
export async function colourTags(target: string): Promise<{ color_transfer?: string; color_primaries?: string; color_space?: string }> {
  const { ffprobe } = resolveFfmpegBinaries();
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-print_format', 'json', '-show_streams', target]);
  return (JSON.parse(stdout) as { streams: Array<{ color_transfer?: string; color_primaries?: string; color_space?: string }> }).streams[0] ?? {};
}
