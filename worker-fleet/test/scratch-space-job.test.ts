import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestClip } from '../../tests/support/clips.js';
import { JobError } from '../src/fleet/job-errors.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { ScratchSpace, type DiskSpace } from '../src/fleet/scratch-space.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

const GiB = 1024 ** 3;
let fx: TranscodeFixture;
let clip: Buffer;

beforeAll(async () => {
  fx = await startTranscodeFixture([240]);
  // Lossless noise: a source of tens of megabytes whose 240p rung is a few hundred kilobytes.
  const path = join(fx.dir, 'big.mp4');
  await makeTestClip(path, { width: 640, height: 360, seconds: 4, noise: true });
  clip = await readFile(path);
});

afterAll(async () => {
  await fx?.stop();
});

/** The fixture's job runner with a scratch disk as the test measures it, asking no minimum. */
function withDisk(disk: DiskSpace) {
  const measured: number[] = [];
  const scratch = new ScratchSpace({ tempDir: fx.dir, minBytes: 0, measure: async () => (measured.push(disk.freeBytes), disk) });
  return { scratch, measured, deps: { ...fx.deps, scratch } };
}

describe('the scratch disk holds one encode\'s output, never a source', () => {
  it('completes a source ten times larger than the free scratch space', async () => {
    expect(clip.length).toBeGreaterThan(10 * 1024 * 1024);
    const free = Math.floor(clip.length / 10);
    const { scratch, deps } = withDisk({ totalBytes: free, freeBytes: free });
    const job = await fx.jobFor('big.mp4', clip);

    expect(await runTranscodeJob(job, deps)).toBe('ready');
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready' });
    // Every reservation was returned, and the folders with them.
    expect(scratch.reservedBytes).toBe(0);
    const rung = await fx.downloadRenditions(job.videoId, '240p/index.m3u8');
    expect((await stat(rung)).size).toBeGreaterThan(0);
  });

  it('releases an encode that does not fit beside the ones running now, without failing the video', async () => {
    // Another encode holds 50 GiB (20 GiB of output and its headroom), leaving a kibibyte.
    const { scratch, deps } = withDisk({ totalBytes: 100 * GiB, freeBytes: 50 * GiB + 1024 });
    const running = await scratch.claim('0'.repeat(26), 20 * GiB);
    expect(running.kind).toBe('claimed');
    const job = await fx.jobFor('later.mp4', clip);

    const error = await runTranscodeJob(job, deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('released for another machine') });
    expect((await fx.status(job.videoId)).state).toBe('transcoding');
    if (running.kind === 'claimed') await running.release();
  });

  it('fails a video whose encode could never fit on a machine\'s disk, saying so without a path', async () => {
    const { deps } = withDisk({ totalBytes: 64 * 1024, freeBytes: 64 * 1024 });
    const job = await fx.jobFor('never.mp4', clip);

    expect(await runTranscodeJob(job, deps)).toBe('failed');
    const status = await fx.status(job.videoId);
    expect(status.state === 'failed' && status.error).toMatch(/^too large for the fleet's scratch disk: the encode's output \(estimated at [\d.]+ KiB\) needs [\d.]+ KiB of scratch space/);
    expect(JSON.stringify(status)).not.toContain(fx.dir);
  });
});
