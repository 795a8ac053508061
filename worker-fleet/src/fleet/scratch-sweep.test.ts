import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVideoId } from '@hoist/shared';
import { silentLogger } from '../logger.js';
import { ScratchSpace } from './scratch-space.js';
import { processIsRunning, sweepScratchFolders } from './scratch-sweep.js';

let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'hoist-sweep-test-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** A real process id that has just ended. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('sweepScratchFolders on a real folder', () => {
  it('removes the folders of jobs whose process is gone, and nothing else', async () => {
    // A job folder a killed fleet left, with a half-downloaded source and a rung's segments.
    const deadPid = await endedPid();
    expect(processIsRunning(deadPid)).toBe(false);
    const dead = new ScratchSpace({ tempDir, pid: deadPid });
    const left = await dead.claim(newVideoId(), 1);
    if (left.kind !== 'claimed') throw new Error('no folder');
    await writeFile(join(left.dir, 'source'), 'partial');
    await mkdir(join(left.dir, '360p'));
    await writeFile(join(left.dir, '360p', 'segment_00000.ts'), 'x');

    // A job running now in another fleet process on the same folder (here: the parent of this one).
    const live = await new ScratchSpace({ tempDir, pid: process.ppid }).claim(newVideoId(), 1);
    if (live.kind !== 'claimed') throw new Error('no folder');
    // What the fleet did not make: other folders, a file and a link named like job folders.
    const outside = await mkdtemp(join(tmpdir(), 'hoist-sweep-outside-'));
    await writeFile(join(outside, 'keep'), 'keep');
    const strays = [
      `hoist-job-${deadPid}-${newVideoId()}-Ab12Cd`, // a symbolic link to a folder elsewhere
      `hoist-job-${deadPid}-${newVideoId()}-Ef34Gh`, // a plain file
      'hoist-job-notapid-x', // not the fleet's pattern
      'hoist-transcode-abc', // another tool's folder
      's3',
    ];
    await symlink(outside, join(tempDir, strays[0]!));
    await writeFile(join(tempDir, strays[1]!), 'a file');
    for (const name of strays.slice(2)) await mkdir(join(tempDir, name));

    const removed = await sweepScratchFolders({ tempDir, logger: silentLogger });

    expect(removed).toEqual([left.dir.slice(tempDir.length + 1)]);
    expect((await readdir(tempDir)).sort()).toEqual([live.dir.slice(tempDir.length + 1), ...strays].sort());
    expect(await readdir(outside)).toEqual(['keep']);
    await live.release();
    await rm(outside, { recursive: true });
  });

  it("removes this process's own folders: at start it runs no job, so they are a dead namesake's", async () => {
    const own = await new ScratchSpace({ tempDir }).claim(newVideoId(), 1);
    if (own.kind !== 'claimed') throw new Error('no folder');
    expect(await sweepScratchFolders({ tempDir, logger: silentLogger })).toEqual([own.dir.slice(tempDir.length + 1)]);
  });
});
