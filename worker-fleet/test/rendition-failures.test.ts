import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoManifest, outputKeys, type TranscodeJob } from '@hoist/shared';
import { makeTestClip } from '../../tests/support/clips.js';
import { JobError } from '../src/fleet/job-errors.js';
import { runTranscodeJob, type TranscodeJobDeps } from '../src/fleet/run-transcode-job.js';
import { DEFAULT_FFMPEG_LIMITS } from '../src/transcode/ffmpeg-bounds.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

// Each way an encode's (a chunk's or the audio's) or the poster's ffmpeg can end, driven to the video's end state with
// the real S3 emulator, the real pool and ffprobe. Where real ffmpeg cannot cheaply be made to
// fail so, a stand-in script takes its place (prlimit starts it under the same bounds).

let fx: TranscodeFixture;
let clip: Buffer;

beforeAll(async () => {
  fx = await startTranscodeFixture([360, 240]);
  const path = join(fx.dir, 'clip.mp4');
  await makeTestClip(path, { width: 640, height: 360, seconds: 2 });
  clip = await readFile(path);
});

afterAll(async () => {
  await fx?.stop();
});

/** A stand-in for ffmpeg: a shell script with `body`. */
async function fakeFfmpeg(name: string, body: string): Promise<string> {
  const path = join(fx.dir, `${name}.sh`);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

function withFfmpeg(ffmpeg: string, extra: Partial<TranscodeJobDeps> = {}): TranscodeJobDeps {
  return { ...fx.deps, binaries: { ...fx.deps.binaries, ffmpeg }, ...extra };
}

async function failedReason(job: TranscodeJob): Promise<string> {
  const status = await fx.status(job.videoId);
  expect(status.state).toBe('failed');
  return status.state === 'failed' ? status.error : '';
}

describe('an encode that does not finish', () => {
  it('fails the video at the first attempt when the decoder rejects the stream, naming the part of the video and never a worker path', async () => {
    const ffmpeg = await fakeFfmpeg('rejects', `echo "[h264 @ 0x55d0c0ffee00] Invalid NAL unit size (7012 > 212) in $PWD/hoist-job-1/source" >&2\nexit 1`);
    const job = await fx.jobFor('rejected.mp4', clip);
    expect(await runTranscodeJob(job, withFfmpeg(ffmpeg))).toBe('failed');
    const reason = await failedReason(job);
    expect(reason).toMatch(/^the video could not be decoded \(encoding (chunk 1 of 1 \(0:00 to 0:02\)|the audio) stopped: Invalid NAL unit size \(7012 > 212\) in the file\)$/);
    expect(reason).not.toContain('/');
  });

  it('fails the video when an encode runs past its time limit, saying which part and which limit, and stops its sibling at once', async () => {
    const ffmpeg = await fakeFfmpeg('hangs', 'exec sleep 60');
    const job = await fx.jobFor('hangs.mp4', clip);
    const started = Date.now();
    // 1 s plus 0.1 s per second of a 2-second source.
    const ffmpegLimits = { ...DEFAULT_FFMPEG_LIMITS, timeoutFloorSeconds: 1, timeoutPerSourceSecond: 0.1 };
    expect(await runTranscodeJob(job, withFfmpeg(ffmpeg, { ffmpegLimits }))).toBe('failed');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await failedReason(job)).toMatch(/^encoding (chunk 1 of 1 \(0:00 to 0:02\)|the audio) took longer than its time limit of 1\.2 s, set from its duration$/);
  });

  it("fails the video when an encode needs more than its memory ceiling (real ffmpeg, a ceiling below a 360p encode's)", async () => {
    const job = await fx.jobFor('memory.mp4', clip);
    const ffmpegLimits = { ...DEFAULT_FFMPEG_LIMITS, memoryBytes: 96 * 1024 ** 2 };
    expect(await runTranscodeJob(job, { ...fx.deps, ffmpegLimits })).toBe('failed');
    expect(await failedReason(job)).toMatch(/^encoding (chunk 1 of 1 \(0:00 to 0:02\)|the audio) needed more memory than its limit of 96.0 MiB$/);
  });

  it('cancels the sibling encode at once when one fails: its ffmpeg is killed, not waited for', async () => {
    const pids = join(fx.dir, 'sibling-pids');
    // The audio fails after a second; the chunk's ffmpeg would run a minute.
    const ffmpeg = await fakeFfmpeg('one-fails', `case "$*" in\n  *-vn*) sleep 1; echo "Invalid data found when processing input" >&2; exit 1;;\n  *) echo $$ >> ${pids}; exec sleep 60;;\nesac`);
    const job = await fx.jobFor('sibling.mp4', clip);
    const started = Date.now();
    expect(await runTranscodeJob(job, withFfmpeg(ffmpeg))).toBe('failed');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await failedReason(job)).toBe('the video could not be decoded (encoding the audio stopped: Invalid data found when processing input)');
    const [pid] = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    expect(() => process.kill(pid!, 0)).toThrow();
  });

  it.each([
    ['killed by something else on the worker', 'kill -9 $$', /^ffmpeg encoding (chunk 1 of 1 \(0:00 to 0:02\)|the audio) was stopped on the worker \(was killed \(SIGKILL\)\)$/],
    ['out of scratch disk', 'echo "Error writing trailer of index.m3u8: No space left on device" >&2; exit 1', /^the worker's scratch disk filled up while encoding (chunk 1 of 1 \(0:00 to 0:02\)|the audio)$/],
  ])('leaves the job retryable when ffmpeg is %s', async (_name, body, reason) => {
    const ffmpeg = await fakeFfmpeg(`transient-${body.length}`, body);
    const job = await fx.jobFor('transient.mp4', clip);
    const error = await runTranscodeJob(job, withFfmpeg(ffmpeg)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).retryable).toBe(true);
    expect((error as JobError).message).toMatch(reason);
    // Not failed: another delivery runs it again (the consumer fails it on the last one).
    expect((await fx.status(job.videoId)).state).toBe('transcoding');
  });
});

describe('a poster ffmpeg cannot make', () => {
  it('leaves the finished ladder ready without a poster, and the manifest says so', async () => {
    const real = fx.deps.binaries.ffmpeg;
    const ffmpeg = await fakeFfmpeg('no-poster', `case "$*" in\n  *-frames:v*) echo "Invalid data found when processing input" >&2; exit 1;;\nesac\nexec "${real}" "$@"`);
    const job = await fx.jobFor('no-poster.mp4', clip);
    expect(await runTranscodeJob(job, withFfmpeg(ffmpeg))).toBe('ready');
    expect(await fx.status(job.videoId)).toMatchObject({ state: 'ready', progress: 1, poster: false });
    const manifest = VideoManifest.parse(await (await fx.fetchOutput(outputKeys.manifest(job.videoId))).json());
    expect(manifest.poster).toBeNull();
    expect(manifest.renditions.map((r) => r.height)).toEqual([240, 360]);
    expect((await fx.fetchOutput(outputKeys.poster(job.videoId))).status).toBe(404);
  });
});
