import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { SCRATCH_FOLDER_PREFIX } from './scratch-space.js';

/** A job folder's name: the prefix, the fleet process's id, the video id, mkdtemp's six characters. */
const JOB_FOLDER = new RegExp(`^${SCRATCH_FOLDER_PREFIX}(\\d+)-[0-9a-z]{26}-[A-Za-z0-9]{6}$`);

/** Whether a process with this id exists (signal 0 checks without sending anything). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  /** The fleet's `TEMP_DIR`. */
  tempDir: string;
  logger: Logger;
  /** Default: `processIsRunning`. */
  isRunning?: (pid: number) => boolean;
  /** This process: it runs no job yet when it sweeps, so a folder with its id is a dead namesake's. Default `process.pid`. */
  ownPid?: number;
}

/**
 * Removes the scratch folders of jobs that are no longer running: folders named by
 * `ScratchSpace` whose process has gone (killed, crashed, or the machine restarted). Anything
 * else in `tempDir`, other fleets' live folders and symbolic links included, is left alone.
 * Call it once at start, before the first job. Returns the names removed.
 */
export async function sweepScratchFolders(options: SweepOptions): Promise<string[]> {
  const isRunning = options.isRunning ?? processIsRunning;
  const ownPid = options.ownPid ?? process.pid;
  const removed: string[] = [];
  for (const name of await readdir(options.tempDir)) {
    const pid = Number(JOB_FOLDER.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid)) continue;
    if (pid !== ownPid && isRunning(pid)) continue;
    const path = join(options.tempDir, name);
    try {
      if (!(await lstat(path)).isDirectory()) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    } catch (error) {
      options.logger.warn('could not remove a stopped job\'s scratch folder', { folder: name, error: String(error) });
    }
  }
  if (removed.length > 0) options.logger.info('scratch folders of stopped jobs removed', { removed: removed.length, folders: removed });
  return removed;
}
