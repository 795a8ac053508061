import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  ffmpeg: string;
}

/** What the numbers were measured on, printed with every report. */
export async function describeMachine(): Promise<MachineInfo> {
  let ffmpeg = 'not found';
  try {
    const { stdout } = await promisify(execFile)(resolveFfmpegBinaries().ffmpeg, ['-version']);
    ffmpeg = /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  } catch {
    /* reported as not found */
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    ffmpeg,
  };
}
