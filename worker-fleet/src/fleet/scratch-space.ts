import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { formatBytes } from '../human-units.js';
import { join } from 'node:path';

/** Free and total bytes of the filesystem that holds a folder. */
export interface DiskSpace {
  /** Bytes an unprivileged process may still write. */
  freeBytes: number;
  /** Size of the filesystem. */
  totalBytes: number;
}

/** Measures the filesystem under `dir`; tests pass their own. */
export type MeasureDiskSpace = (dir: string) => Promise<DiskSpace>;

/** The real measure: `statfs(2)` of the folder. */
export const statfsDiskSpace: MeasureDiskSpace = async (dir) => {
  const stats = await statfs(dir);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
};

/** Room kept beyond an encode's estimated output, as a multiple of it (`DISK_HEADROOM_FACTOR`). */
export const DEFAULT_DISK_HEADROOM_FACTOR = 1.5;

/** Least scratch space an encode asks for: a short chunk can still produce a full ladder, a poster and playlists. */
export const MIN_SCRATCH_BYTES = 256 * 1024 * 1024;

/**
 * Every job folder's name starts with this, then the process id and the video id: the sweep at
 * start removes only such folders, and only those of processes no longer running.
 */
export const SCRATCH_FOLDER_PREFIX = 'hoist-job-';

/**
 * Scratch space an encode whose output is estimated at `outputBytes` needs, with room for an
 * estimate that falls short. The source is never on the disk (ffmpeg reads it from S3 by
 * ranges), so this is bounded by one chunk's output, whatever the source's size.
 */
export function scratchBytesNeeded(outputBytes: number, headroomFactor: number, minBytes = MIN_SCRATCH_BYTES): number {
  return Math.max(minBytes, Math.ceil(outputBytes * (1 + headroomFactor)));
}

/**
 * - `fits`: start now.
 * - `busy`: this machine's other jobs hold the space; another machine (or this one later) can
 *   take the job, so it goes back to the queue.
 * - `never`: more than this machine's disk offers even with nothing else running; retrying
 *   cannot help, so the video fails.
 */
export type ScratchVerdict = 'fits' | 'busy' | 'never';

/**
 * Decides whether a job needing `neededBytes` may start. Space other running jobs reserved
 * counts as taken, though they may not have written it all yet: a job released by mistake
 * costs a retry, one let in by mistake fills the disk under every job. A job fails as `never`
 * only when nothing else holds space (or it exceeds the whole disk), so what is free is all
 * there will be.
 */
export function scratchVerdict(neededBytes: number, disk: DiskSpace, heldByOtherJobs: number): ScratchVerdict {
  if (neededBytes > disk.totalBytes) return 'never';
  if (heldByOtherJobs === 0) return neededBytes <= disk.freeBytes ? 'fits' : 'never';
  return neededBytes <= disk.freeBytes - heldByOtherJobs ? 'fits' : 'busy';
}

export type ScratchClaim =
  | { kind: 'claimed'; /** The job's own, empty folder. */ dir: string; /** Removes the folder and frees its reservation. */ release(): Promise<void> }
  | { kind: 'busy'; /** Why, for the log; names no path. */ reason: string }
  | { kind: 'never'; /** Why, for the log and the video's status; names no path. */ reason: string };

export interface ScratchSpaceOptions {
  /** Parent folder of every job's scratch folder (`TEMP_DIR`). */
  tempDir: string;
  /** Room kept beyond an encode's estimated output, as a multiple of it. Default 1.5. */
  headroomFactor?: number;
  /** How free space is measured. Default: `statfs` of `tempDir`. */
  measure?: MeasureDiskSpace;
  /** Put in folder names so the sweep can tell whose they are. Default: this process's id. */
  pid?: number;
  /** Least space an encode asks for. Default MIN_SCRATCH_BYTES. */
  minBytes?: number;
}

/**
 * One per fleet process: hands each encode a folder of its own once the disk can hold its
 * output, and remembers what running encodes reserved, so two large ones never both start on
 * space only one of them can have.
 */
export class ScratchSpace {
  readonly tempDir: string;
  readonly headroomFactor: number;
  readonly #measure: MeasureDiskSpace;
  readonly #pid: number;
  readonly #minBytes: number;
  readonly #reserved = new Map<symbol, number>();

  constructor(options: ScratchSpaceOptions) {
    this.tempDir = options.tempDir;
    this.headroomFactor = options.headroomFactor ?? DEFAULT_DISK_HEADROOM_FACTOR;
    this.#measure = options.measure ?? statfsDiskSpace;
    this.#pid = options.pid ?? process.pid;
    this.#minBytes = options.minBytes ?? MIN_SCRATCH_BYTES;
  }

  /** Bytes reserved by jobs holding a folder now. */
  get reservedBytes(): number {
    return [...this.#reserved.values()].reduce((sum, bytes) => sum + bytes, 0);
  }

  /** Reserves space for an output estimated at `outputBytes` and creates the folder, or says why not. */
  async claim(videoId: string, outputBytes: number): Promise<ScratchClaim> {
    const needed = Math.max(this.#minBytes, scratchBytesNeeded(outputBytes, this.headroomFactor, 0));
    const disk = await this.#measure(this.tempDir);
    // Read after the await: jobs claiming at the same moment each see the others' reservations.
    const held = this.reservedBytes;
    const running = this.#reserved.size;
    const verdict = scratchVerdict(needed, disk, held);
    const source = `the encode's output (estimated at ${formatBytes(outputBytes)}) needs ${formatBytes(needed)} of scratch space`;
    if (verdict === 'never') {
      return {
        kind: 'never',
        reason: `too large for the fleet's scratch disk: ${source}, more than a machine offers (${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)} with no other job running)`,
      };
    }
    if (verdict === 'busy') {
      return {
        kind: 'busy',
        reason: `${source}; this machine has ${formatBytes(disk.freeBytes)} free, of which ${running} other running job(s) hold ${formatBytes(held)}: released for another machine`,
      };
    }
    const token = Symbol(videoId);
    this.#reserved.set(token, needed);
    try {
      const dir = await mkdtemp(join(this.tempDir, `${SCRATCH_FOLDER_PREFIX}${this.#pid}-${videoId}-`));
      return {
        kind: 'claimed',
        dir,
        release: async () => {
          try {
            await rm(dir, { recursive: true, force: true });
          } finally {
            this.#reserved.delete(token);
          }
        },
      };
    } catch (error) {
      this.#reserved.delete(token);
      throw error;
    }
  }
}
