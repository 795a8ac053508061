import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { checkFfmpegForStart, type FfmpegRelease, type FfmpegStartCheck } from './ffmpeg-version.js';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for the start-up log. */
  source: string;
  /** Which of them is a build shipped inside an npm package (the local fallback), not one the machine installed. */
  fallback: { ffmpeg: boolean; ffprobe: boolean };
}

const require = createRequire(import.meta.url);

function optionalPath(load: () => unknown): string | undefined {
  try {
    const value = load();
    const path = typeof value === 'string' ? value : (value as { path?: string } | null)?.path;
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds ffmpeg and ffprobe. ffmpeg, in this order: `FFMPEG_PATH`; `ffmpeg-static` (optional:
 * its install downloads a binary and fails offline); the binary shipped inside
 * `@ffmpeg-installer/ffmpeg`. ffprobe: `FFPROBE_PATH`, else the binary shipped inside
 * `ffprobe-static` (the `@ffprobe-installer` builds crash on MPEG-TS input, so are not used).
 * The npm builds (a 2018 ffmpeg, ffprobe 4.0.2) are a fallback so the local stack runs with Node
 * alone; production points both variables at the distribution's package (see ffmpeg-version.ts).
 */
export function resolveFfmpegBinaries(env: NodeJS.ProcessEnv = process.env): FfmpegBinaries {
  const probe = env['FFPROBE_PATH']
    ? { path: env['FFPROBE_PATH'], source: 'FFPROBE_PATH' }
    : { path: optionalPath(() => require('ffprobe-static')), source: 'ffprobe-static' };
  const ffmpeg = env['FFMPEG_PATH']
    ? { path: env['FFMPEG_PATH'], source: 'FFMPEG_PATH' }
    : [
        { path: optionalPath(() => require('ffmpeg-static')), source: 'ffmpeg-static' },
        { path: optionalPath(() => require('@ffmpeg-installer/ffmpeg')), source: '@ffmpeg-installer/ffmpeg' },
      ].find((candidate) => candidate.path) ?? { path: undefined, source: '' };
  if (!ffmpeg.path) throw new Error('no ffmpeg found: set FFMPEG_PATH, or install @ffmpeg-installer/ffmpeg');
  if (!probe.path) throw new Error('no ffprobe found: set FFPROBE_PATH, or install ffprobe-static');
  return {
    ffmpeg: ffmpeg.path,
    ffprobe: probe.path,
    source: `${ffmpeg.source} + ${probe.source}`,
    fallback: { ffmpeg: !env['FFMPEG_PATH'], ffprobe: !env['FFPROBE_PATH'] },
  };
}

/** First line of `ffmpeg -version` (or `ffprobe -version`), for logs and the start-up check. */
export async function ffmpegVersion(binary: string): Promise<string> {
  // A binary that hangs must not hang the fleet's start.
  const { stdout } = await promisify(execFile)(binary, ['-version'], { timeout: 15_000 });
  return stdout.split('\n')[0]?.trim() || 'unknown';
}

/**
 * Asks both binaries their version and applies the start-up policy (`checkFfmpegForStart`):
 * what to log, what to warn about, and whether to refuse to start.
 */
export async function inspectFfmpegBinaries(
  binaries: FfmpegBinaries,
  options: { production: boolean; minimum: FfmpegRelease },
): Promise<FfmpegStartCheck & { versions: { ffmpeg: string; ffprobe: string } }> {
  const [ffmpeg, ffprobe] = await Promise.all([ffmpegVersion(binaries.ffmpeg), ffmpegVersion(binaries.ffprobe)]);
  const check = checkFfmpegForStart(
    [
      { tool: 'ffmpeg', path: binaries.ffmpeg, versionLine: ffmpeg, fallback: binaries.fallback.ffmpeg },
      { tool: 'ffprobe', path: binaries.ffprobe, versionLine: ffprobe, fallback: binaries.fallback.ffprobe },
    ],
    options,
  );
  return { ...check, versions: { ffmpeg, ffprobe } };
}
