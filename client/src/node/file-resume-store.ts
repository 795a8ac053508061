import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readResumeState, type ResumeStore } from '../resume/resume-state.js';

/** Default folder for resume states: `$XDG_STATE_HOME/hoist/uploads`, else `~/.local/state/hoist/uploads`. */
export function defaultResumeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'hoist', 'uploads');
}

/** One small JSON file per upload, replaced atomically so a crash mid-write never leaves half a state. */
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
