import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for the start-up log. */
  source: string;
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
  return { ffmpeg: ffmpeg.path, ffprobe: probe.path, source: `${ffmpeg.source} + ${probe.source}` };
}

/** First line of `ffmpeg -version`, for logs. */
export async function ffmpegVersion(binary: string): Promise<string> {
  const { stdout } = await promisify(execFile)(binary, ['-version']);
  return stdout.split('\n')[0] ?? 'unknown';
}
