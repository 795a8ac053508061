import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '@hoist/shared';
import { JobError } from '../src/fleet/job-errors.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { ScratchSpace, type DiskSpace } from '../src/fleet/scratch-space.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

const GiB = 1024 ** 3;
let fx: TranscodeFixture;

beforeAll(async () => {
  fx = await startTranscodeFixture([240]);
});

afterAll(async () => {
  await fx?.stop();
});

/** The fixture's job runner with a scratch disk of the given size, measured as the test says. */
function withDisk(disk: DiskSpace) {
  const scratch = new ScratchSpace({ tempDir: fx.dir, measure: async () => disk });
  return { scratch, deps: { ...fx.deps, scratch } };
}

describe('runTranscodeJob checks the scratch disk before it downloads', () => {
  it('fails a source no machine can hold, saying so in the status, without downloading it', async () => {
    const { deps } = withDisk({ totalBytes: 100 * GiB, freeBytes: 80 * GiB });
    // The size S3 reported for the source: far more than the disk, whatever the bytes stored.
    const job = { ...(await fx.jobFor('huge.mp4', new Uint8Array(16))), size: 5 * 1024 ** 4 };
    const before = await readdir(fx.dir);

    expect(await runTranscodeJob(job, deps)).toBe('failed');

    const status = await fx.status(job.videoId);
    expect(status).toMatchObject({ state: 'failed' });
    expect(status.state === 'failed' && status.error).toMatch(/^too large for the fleet's scratch disk: the source \(5\.00 TiB\) needs 12\.5 TiB/);
    expect(JSON.stringify(status)).not.toContain(fx.dir);
    expect(await readdir(fx.dir)).toEqual(before);
  });

  it('releases a source that does not fit beside the jobs running now, leaving the video queued', async () => {
    const { scratch, deps } = withDisk({ totalBytes: 100 * GiB, freeBytes: 60 * GiB });
    const running = await scratch.claim('0'.repeat(26), 20 * GiB);
    const job = { ...(await fx.jobFor('later.mp4', new Uint8Array(16))), size: 10 * GiB };

    const error = await runTranscodeJob(job, deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('released for another machine') });
    // Nothing written: the status reads as queued until a machine with room takes the job.
    expect((await fx.fetchOutput(outputKeys.status(job.videoId))).status).toBe(404);
    if (running.kind === 'claimed') await running.release();
  });
});
