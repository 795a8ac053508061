import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResumeState } from '../resume/resume-state.js';
import { fileResumeStore, removeStaleTemporaries } from './file-resume-store.js';

const KEY = '0123456789abcdef0123456789abcdef01234567';
const STATE: ResumeState = {
  version: 1,
  endpoint: 'http://127.0.0.1:8787',
  fingerprint: KEY,
  videoId: '0123456789abcdefghijklmnop',
  uploadToken: 'token',
  mode: 'multipart',
  size: 10 * 1024 * 1024,
  partSize: 5 * 1024 * 1024,
  partCount: 2,
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  checksums: false,
  algorithm: 'sha256',
  parts: { '1': { etag: 'abc' } },
};

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-resume-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the file resume store', () => {
  it('loads the last complete state past a half-written temporary file, and removes that file', async () => {
    const store = fileResumeStore(dir);
    await store.save(KEY, STATE);
    const half = `${KEY}.json.${await deadPid()}.7.tmp`;
    await writeFile(join(dir, half), JSON.stringify({ ...STATE, parts: { '1': { etag: 'abc' }, '2': { etag: 'def' } } }).slice(0, 80));
    expect(await store.load(KEY)).toEqual(STATE);
    expect(await readdir(dir)).toEqual([`${KEY}.json`]);
    // Saving again works, and leaves only the state.
    await store.save(KEY, { ...STATE, parts: {} });
    expect(await fileResumeStore(dir).load(KEY)).toEqual({ ...STATE, parts: {} });
    expect(await readdir(dir)).toEqual([`${KEY}.json`]);
  });

  it('leaves a running process\'s temporary file alone unless it is older than any write', async () => {
    const dead = join(dir, `${KEY}.json.${await deadPid()}.1.tmp`);
    const live = join(dir, `${KEY}.json.${process.ppid}.1.tmp`);
    const old = join(dir, `other.json.${process.ppid}.2.tmp`);
    const unrelated = join(dir, 'notes.tmp');
    for (const path of [dead, live, old, unrelated]) await writeFile(path, '{"vers');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old, hourAgo, hourAgo);
    expect((await removeStaleTemporaries(dir)).sort()).toEqual([dead, old].sort());
    expect((await readdir(dir)).sort()).toEqual([`${KEY}.json.${process.ppid}.1.tmp`, 'notes.tmp'].sort());
    // Only the given key's, when a key is given.
    const otherDead = join(dir, `other.json.${await deadPid()}.3.tmp`);
    await writeFile(otherDead, '{');
    expect(await removeStaleTemporaries(dir, KEY)).toEqual([]);
    expect(await removeStaleTemporaries(dir, 'other')).toEqual([otherDead]);
    expect(await removeStaleTemporaries(join(dir, 'missing'))).toEqual([]);
  });
});
