import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVideoId } from '@hoist/shared';
import { MIN_SCRATCH_BYTES, ScratchSpace, scratchBytesNeeded, scratchVerdict, type DiskSpace } from './scratch-space.js';

const GiB = 1024 ** 3;
let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'hoist-scratch-test-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** A disk of `totalGiB` whose free space the test sets, as statfs would report it. */
function fakeDisk(totalGiB: number, freeGiB: number) {
  const disk: DiskSpace = { totalBytes: totalGiB * GiB, freeBytes: freeGiB * GiB };
  return { disk, measure: async () => ({ ...disk }) };
}

describe('scratchBytesNeeded', () => {
  it('is the source plus the headroom factor times it, never below the minimum', () => {
    expect(scratchBytesNeeded(10 * GiB, 1.5)).toBe(25 * GiB);
    expect(scratchBytesNeeded(10 * GiB, 0)).toBe(10 * GiB);
    expect(scratchBytesNeeded(1000, 1.5)).toBe(MIN_SCRATCH_BYTES);
  });
});

describe('scratchVerdict', () => {
  const disk = { totalBytes: 100 * GiB, freeBytes: 60 * GiB };
  it('lets a job in when the space is free, counting other jobs\' reservations as taken', () => {
    expect(scratchVerdict(50 * GiB, disk, 0)).toBe('fits');
    expect(scratchVerdict(40 * GiB, disk, 20 * GiB)).toBe('fits');
  });
  it('releases the job when other jobs hold the space it needs', () => {
    expect(scratchVerdict(50 * GiB, disk, 20 * GiB)).toBe('busy');
  });
  it('fails it when nothing else holds space and it still does not fit, or it exceeds the whole disk', () => {
    expect(scratchVerdict(61 * GiB, disk, 0)).toBe('never');
    expect(scratchVerdict(101 * GiB, disk, 20 * GiB)).toBe('never');
  });
});

describe('ScratchSpace', () => {
  it('gives each job an empty folder of its own, named for the sweep, and removes it on release', async () => {
    const { measure } = fakeDisk(100, 90);
    const scratch = new ScratchSpace({ tempDir, measure, pid: 4242 });
    const videoId = newVideoId();
    const claim = await scratch.claim(videoId, GiB);
    if (claim.kind !== 'claimed') throw new Error(`expected a folder, got ${claim.kind}`);
    expect(claim.dir.startsWith(join(tempDir, `hoist-job-4242-${videoId}-`))).toBe(true);
    expect(await readdir(claim.dir)).toEqual([]);
    expect(scratch.reservedBytes).toBe(2.5 * GiB);
    await claim.release();
    await expect(stat(claim.dir)).rejects.toThrow(/ENOENT/);
    expect(scratch.reservedBytes).toBe(0);
  });

  it('releases a job that does not fit beside the running ones, and takes it once they finish', async () => {
    const { disk, measure } = fakeDisk(100, 90);
    const scratch = new ScratchSpace({ tempDir, measure });
    const first = await scratch.claim(newVideoId(), 20 * GiB);
    expect(first.kind).toBe('claimed');
    // The first job has written part of its 50 GiB.
    disk.freeBytes = 70 * GiB;
    const second = await scratch.claim(newVideoId(), 10 * GiB);
    expect(second).toEqual({
      kind: 'busy',
      reason:
        "the encode's output (estimated at 10.0 GiB) needs 25.0 GiB of scratch space; this machine has 70.0 GiB free, of which 1 other running job(s) hold 50.0 GiB: released for another machine",
    });
    if (first.kind === 'claimed') await first.release();
    disk.freeBytes = 90 * GiB;
    const again = await scratch.claim(newVideoId(), 10 * GiB);
    expect(again.kind).toBe('claimed');
    if (again.kind === 'claimed') await again.release();
  });

  it('fails a source that can never fit, saying so without naming any path', async () => {
    const { measure } = fakeDisk(100, 90);
    const scratch = new ScratchSpace({ tempDir, measure, headroomFactor: 1 });
    const claim = await scratch.claim(newVideoId(), 5 * 1024 * GiB);
    expect(claim).toEqual({
      kind: 'never',
      reason:
        "too large for the fleet's scratch disk: the encode's output (estimated at 5.00 TiB) needs 10.0 TiB of scratch space, more than a machine offers (90.0 GiB free of 100 GiB with no other job running)",
    });
    expect(JSON.stringify(claim)).not.toContain(tempDir);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('counts jobs that claim at the same moment against each other', async () => {
    const { measure } = fakeDisk(100, 60);
    const scratch = new ScratchSpace({ tempDir, measure });
    const claims = await Promise.all([scratch.claim(newVideoId(), 10 * GiB), scratch.claim(newVideoId(), 10 * GiB), scratch.claim(newVideoId(), 10 * GiB)]);
    expect(claims.map((c) => c.kind)).toEqual(['claimed', 'claimed', 'busy']);
    for (const claim of claims) if (claim.kind === 'claimed') await claim.release();
  });

  it('measures the real disk by default', async () => {
    const scratch = new ScratchSpace({ tempDir });
    const claim = await scratch.claim(newVideoId(), 1);
    expect(claim.kind).toBe('claimed');
    if (claim.kind === 'claimed') await claim.release();
  });
});

