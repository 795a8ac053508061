import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Grabs one frame as a JPEG poster, a second in (or mid-way through a shorter clip). */
export async function extractPoster(ffmpeg: string, source: string, output: string, durationSeconds: number, width: number, height: number): Promise<void> {
  const at = Math.min(1, durationSeconds / 2);
  await promisify(execFile)(ffmpeg, [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-ss', at.toFixed(3), '-i', source,
    '-frames:v', '1', '-vf', `scale=${width}:${height},format=yuvj420p`, '-q:v', '3',
    output,
  ]);
}
