import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClient } from 'aws4fetch';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { VideoManifest, VideoStatusDocument, newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../dev/s3-emulator.js';
import { REPO_ROOT } from '../../dev/stack.js';
import type { SqsEmulator } from '../../dev/sqs-emulator.js';
import { makeTestClip } from '../../tests/support/clips.js';
import { resolveFfmpegBinaries } from '../src/transcode/ffmpeg-binaries.js';
import { startSqsFixture, type SqsFixture } from './sqs-fixture.js';

let dir: string;
let s3Emulator: S3Emulator;
let sqsEmulator: SqsEmulator;
let s3: S3Client;
let sqs: SQSClient;
let clip: Uint8Array;
const fleets: Fleet[] = [];

interface Fleet {
  child: ChildProcess;
  lines: string[];
  healthPort: number;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

// The fleet as its instances run it: the compiled release (npm run build:release), its tarball
// checked against its SHA-256 and unpacked, as the user-data does, and started with plain node.
let release: string;
const binaries = resolveFfmpegBinaries();

async function unpackRelease(): Promise<string> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  await promisify(execFile)(process.execPath, ['--import', `file://${tsx}`, join(REPO_ROOT, 'worker-fleet/scripts/build-release.ts')]);
  const tarball = join(REPO_ROOT, 'dist/hoist-fleet.tar.gz');
  const [expected] = (await readFile(`${tarball}.sha256`, 'utf8')).split(' ');
  expect(createHash('sha256').update(await readFile(tarball)).digest('hex')).toBe(expected);
  const target = join(dir, 'opt-hoist');
  await mkdir(target);
  await promisify(execFile)('tar', ['-xzf', tarball, '-C', target]);
  return target;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-fleet-process-'));
  release = await unpackRelease();
  s3Emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
  s3 = new S3Client({ endpoint: s3Emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_EMULATOR_CREDENTIALS });
  // Long enough that a signal lands mid-encode.
  await makeTestClip(join(dir, 'source.mp4'), { width: 1280, height: 720, seconds: 12 });
  clip = await readFile(join(dir, 'source.mp4'));
});

// A queue of its own per test: a stopped consumer's long poll can stay open at the emulator
// and take the next message sent, as a real queue may too.
let sqsFixture: SqsFixture;

beforeEach(async () => {
  sqsFixture = await startSqsFixture('jobs', 2);
  ({ emulator: sqsEmulator, sqs } = sqsFixture);
});

afterEach(async () => {
    for (const fleet of fleets.splice(0)) {
    if (fleet.child.exitCode === null && fleet.child.signalCode === null) {
      process.kill(fleet.child.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-fleet.child.pid!, 'SIGKILL'), 10_000);
      await fleet.exited;
      clearTimeout(timer);
    }
  }
  await sqsFixture.stop();
});

afterAll(async () => {
  s3?.destroy();
  await s3Emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startFleet(env: Record<string, string> = {}): Promise<Fleet> {
  const healthPort = await freePort();
  // As the systemd unit starts it: no TypeScript loader, the release as the working folder.
  const child = spawn(process.execPath, [join(release, 'fleet/main.mjs')], {
    cwd: release,
    env: {
      ...process.env,
      // The release carries no ffmpeg of its own: the binaries are named, as the user-data names Debian's.
      FFMPEG_PATH: binaries.ffmpeg,
      FFPROBE_PATH: binaries.ffprobe,
      JOB_QUEUE_URL: sqsEmulator.queueUrl,
      SQS_ENDPOINT: sqsEmulator.endpoint,
      S3_BUCKET: 'hoist',
      S3_ENDPOINT: s3Emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      HEALTH_PORT: String(healthPort),
      LADDER: '720,360',
      X264_PRESET: 'veryfast',
      POOL_SIZE: '2',
      TEMP_DIR: dir,
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.pattern.test(line)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(line);
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      parts.forEach(onLine);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const fleet: Fleet = {
    child,
    lines,
    healthPort,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; fleet said:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
  };
  fleets.push(fleet);
  await fleet.waitFor(/"message":"polling"/);
  return fleet;
}

async function queueJob(): Promise<TranscodeJob> {
  const videoId = newVideoId();
  const key = sourceKey('alice', videoId, 'source.mp4');
  await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: clip }));
  const job: TranscodeJob = { kind: 'transcode', version: 1, videoId, owner: 'alice', bucket: 'hoist', key, size: clip.length, etag: 'etag-1', eventTime: new Date().toISOString() };
  await sqs.send(new SendMessageCommand({ QueueUrl: sqsEmulator.queueUrl, MessageBody: JSON.stringify(job) }));
  return job;
}

/** A signed GET of one output (the bucket is private). */
const bucketOwner = new AwsClient({ ...S3_EMULATOR_CREDENTIALS, service: 's3', region: 'us-east-1' });
const readOutput = (key: string) => bucketOwner.fetch(`${s3Emulator.bucketUrl}/${key}`);

async function readStatus(videoId: string) {
  const response = await readOutput(outputKeys.status(videoId));
  return response.ok ? VideoStatusDocument.parse(await response.json()) : null;
}

describe('the fleet process against the SQS and S3 emulators', () => {
  it('SIGTERM mid-job releases the message at the drain deadline and loses nothing', async () => {
    const first = await startFleet({ DRAIN_SECONDS: '1' });
    const job = await queueJob();
    await first.waitFor(/"message":"job started"/);
    await first.waitFor(/"message":"encoding"/);
    process.kill(first.child.pid!, 'SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines.join('\n')).toMatch(/"message":"job released".*"retryInSeconds":0/);
    expect((await readStatus(job.videoId))?.state).not.toBe('ready');

    const second = await startFleet();
    await second.waitFor(new RegExp(`"message":"job finished","videoId":"${job.videoId}","outcome":"ready"`), 120_000);
    expect((await readStatus(job.videoId))?.state).toBe('ready');
  });

  it("SIGTERM to the fleet alone, as the unit's KillMode=mixed sends it, lets the running job finish before the fleet exits", async () => {
    const fleet = await startFleet({ DRAIN_SECONDS: '120' });
    const job = await queueJob();
    await fleet.waitFor(/"message":"encoding"/, 30_000);
    // systemd stops a KillMode=mixed unit with SIGTERM to its main process only; its ffmpeg
    // children carry on, and only what is left after TimeoutStopSec gets SIGKILL.
    process.kill(fleet.child.pid!, 'SIGTERM');
    expect(await fleet.exited).toBe(0);
    expect(fleet.lines.join('\n')).toMatch(new RegExp(`"message":"job finished","videoId":"${job.videoId}","outcome":"ready"`));
    expect((await readStatus(job.videoId))?.state).toBe('ready');
    // Nothing of the fleet's is left for that final SIGKILL: every child ended with the job.
    expect(() => process.kill(-fleet.child.pid!, 0)).toThrow();
  });

  it('a consumer killed mid-job: after the visibility timeout another one completes the video, once', async () => {
    const doomed = await startFleet({ VISIBILITY_TIMEOUT_SECONDS: '3' });
    const job = await queueJob();
    // Each wait fits inside the test's own timeout, so a stuck step is named with the fleet's output.
    await doomed.waitFor(/"message":"encoding"/, 30_000);
    // The whole process group, ffmpeg included, as when a machine dies.
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.exited;

    const survivor = await startFleet({ VISIBILITY_TIMEOUT_SECONDS: '3' });
    // The killed process's scratch folders (its half-done encodes) are swept at start.
    expect(survivor.lines.join('\n')).toMatch(/"message":"scratch folders of stopped jobs removed","removed":[1-9]/);
    await survivor.waitFor(new RegExp(`"message":"job started","videoId":"${job.videoId}".*"receiveCount":"2"`), 30_000);
    await survivor.waitFor(new RegExp(`"message":"job finished","videoId":"${job.videoId}","outcome":"ready"`), 45_000);
    const manifest = VideoManifest.parse(await (await readOutput(outputKeys.manifest(job.videoId))).json());

    // SQS delivers at least once: the same message again is acknowledged without encoding.
    await sqs.send(new SendMessageCommand({ QueueUrl: sqsEmulator.queueUrl, MessageBody: JSON.stringify(job) }));
    await survivor.waitFor(new RegExp(`"message":"job finished","videoId":"${job.videoId}","outcome":"duplicate"`), 20_000);
    const after = VideoManifest.parse(await (await readOutput(outputKeys.manifest(job.videoId))).json());
    expect(after.timings.finishedAt).toBe(manifest.timings.finishedAt);

    const health = (await (await fetch(`http://127.0.0.1:${survivor.healthPort}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, running: 0, done: 2, failed: 0 });
    expect(await (await fetch(`http://127.0.0.1:${survivor.healthPort}/metrics`)).text()).toContain('hoist_jobs_total{outcome="done"} 2');
  }, 150_000);

  it('a message that is not a job goes to the dead-letter queue, not round and round', async () => {
    const fleet = await startFleet();
    await sqs.send(new SendMessageCommand({ QueueUrl: sqsEmulator.queueUrl, MessageBody: '{"kind":"transcode","videoId":"nope"}' }));
    await fleet.waitFor(/message is not a job .*videoId/);
    let dead: string | undefined;
    for (let i = 0; i < 20 && !dead; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sqsEmulator.deadLetterQueueUrl, WaitTimeSeconds: 1 }));
      dead = Messages[0]?.Body;
    }
    expect(dead).toBe('{"kind":"transcode","videoId":"nope"}');
  });
});
