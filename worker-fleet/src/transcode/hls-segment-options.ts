import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The hls muxer's option that hands options down to the MPEG-TS muxer writing its segments.
 * FFmpeg 4.4 named it `-hls_segment_options`; builds before that know only `-hls_ts_options`,
 * which later releases deprecate and then drop. Which one a binary takes is read from its own
 * help once per binary and process, so the fleet runs on the distribution's release and on the
 * older npm-shipped fallback alike.
 */
const found = new Map<string, Promise<string>>();

export function hlsSegmentOptionsFlag(ffmpeg: string): Promise<string> {
  let flag = found.get(ffmpeg);
  if (!flag) {
    flag = promisify(execFile)(ffmpeg, ['-hide_banner', '-h', 'muxer=hls'], { timeout: 15_000, maxBuffer: 1 << 20 }).then(({ stdout }) =>
      /^\s*-hls_segment_options\b/m.test(stdout) ? '-hls_segment_options' : '-hls_ts_options',
    );
    // A failed read (a killed process, say) is not remembered: the next unit asks again.
    flag.catch(() => found.delete(ffmpeg));
    found.set(ffmpeg, flag);
  }
  return flag;
}
