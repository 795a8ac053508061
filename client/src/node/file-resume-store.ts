import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readResumeState, type ResumeStore } from '../resume/resume-state.js';

/** Default folder for resume states: `$XDG_STATE_HOME/hoist/uploads`, else `~/.local/state/hoist/uploads`. */
export function defaultResumeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'hoist', 'uploads');
}

/** `save` writes `<key>.json.<pid>.<n>.tmp`, then renames it over `<key>.json`. */
const TEMPORARY = /^(.+)\.json\.(\d+)\.\d+\.tmp$/;

/** A temporary file lives for one write and one rename; one this old is nobody's. */
const TEMPORARY_LIFETIME_MS = 5 * 60_000;

/**
 * One small JSON file per upload, replaced atomically so a crash mid-write never leaves half a
 * state: at worst a temporary file next to it, which is never read and goes on the next load.
 */
export function fileResumeStore(dir: string = defaultResumeDir()): ResumeStore & { pathFor(key: string): string } {
  const pathFor = (key: string) => join(dir, `${key}.json`);
  // Writes of one key go one after another, each through its own temporary file.
  const chains = new Map<string, Promise<void>>();
  let written = 0;
  const serially = (key: string, write: () => Promise<void>) => {
    const next = (chains.get(key) ?? Promise.resolve()).then(write);
    chains.set(key, next.catch(() => {}));
    return next;
  };
  return {
    pathFor,
    async load(key) {
      await removeStaleTemporaries(dir, key).catch(() => {});
      try {
        return readResumeState(JSON.parse(await readFile(pathFor(key), 'utf8')));
      } catch {
        return null;
      }
    },
    save(key, state) {
      const snapshot = JSON.stringify(state);
      return serially(key, async () => {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const temporary = `${pathFor(key)}.${process.pid}.${++written}.tmp`;
        await writeFile(temporary, snapshot, { mode: 0o600 });
        await rename(temporary, pathFor(key));
      });
    },
    remove(key) {
      return serially(key, () => rm(pathFor(key), { force: true }));
    },
  };
}

/**
 * Removes the temporary files that runs killed mid-write left in `dir` (only `key`'s, if given)
 * and returns their paths. Such a file may be half written, and it was never the state: the
 * `<key>.json` it was to replace still holds the last complete one. A file whose process still
 * runs is left alone, unless it is older than any write takes.
 */
export async function removeStaleTemporaries(dir: string, key?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const match = TEMPORARY.exec(name);
    if (!match || (key !== undefined && match[1] !== key)) continue;
    const path = join(dir, name);
    const modified = await stat(path).then((s) => s.mtimeMs, () => undefined);
    if (modified === undefined) continue; // renamed into place meanwhile
    if (isRunning(Number(match[2])) && Date.now() - modified < TEMPORARY_LIFETIME_MS) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    // Signal 0 checks only that the process exists; EPERM means it does, as another user's.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
