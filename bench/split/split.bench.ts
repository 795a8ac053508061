import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newVideoId, outputKeys, sourceKey, type TranscodeJob } from '@hoist/shared';
import { startFleetProcess } from '../../dev/fleet-process.js';
import type { ManagedProcess } from '../../dev/child-process.js';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator } from '../../dev/s3-emulator.js';
import { REPO_ROOT } from '../../dev/stack.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator } from '../../dev/sqs-emulator.js';
import { makeTestClip } from '../../tests/support/clips.js';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';
import { chooseLadder, DEFAULT_LADDER } from '../../worker-fleet/src/transcode/ladder.js';
import { DEFAULT_CHUNK_SECONDS } from '../../worker-fleet/src/fleet/chunk-planner.js';
import { canPin, withThisProcessPinned } from './pinning.js';
import { decodeOnceLadderArgs } from './decode-once.js';
import { alternate, summarise, type Summary } from '../lib/stats.js';
import type { Benchmark, ComparisonRow } from '../lib/types.js';
import { fullChunks, parseLogLine, videoCosts, type LogEntry, type VideoCosts } from './fleet-log.js';
import { formatDuration, PIXELS_4K_OVER_1080P, projectSeconds, type ProjectionInputs } from './projection.js';

/**
 * Source length. The default is the measurement; a shorter one (BENCH_SPLIT_SECONDS=24) only
 * proves the harness while developing, since a chunked encode shows its worth on long sources.
 */
const SOURCE_SECONDS = Number(process.env['BENCH_SPLIT_SECONDS'] ?? 120);
/** The fleet's default chunk length, unless CHUNK_SECONDS in the bench's environment overrides it for every fleet process. */
const CHUNK_SECONDS = Number(process.env['CHUNK_SECONDS'] ?? DEFAULT_CHUNK_SECONDS);
const REPETITIONS = 2;
const WARMUP = 1;
/** Runs a side of the machine's-own-scaling row; each is under a minute, so it takes one more than the others and no warm-up. */
const RAW_REPETITIONS = 3;
/** Long enough for one chunk (or, before chunking lands, the whole clip) on one core, so no unit is handed out twice. */
const VISIBILITY_TIMEOUT_SECONDS = 900;
const TWO_HOURS = 2 * 3600;
/** The clip makeTestClip generates: testsrc2 at 25 fps with a 440 Hz tone. */
const CLIP = { width: 1920, height: 1080, frameRate: 25, hasAudio: true } as const;
const INSTANCE_COUNTS = [1, 10, 100] as const;

interface FleetSpec {
  /** `taskset -c <core>` for a pinned process. */
  core?: number;
  env: Record<string, string>;
}

interface HoistRun {
  seconds: number;
  costs: VideoCosts;
  /** Every JSON line the fleet processes wrote. */
  entries: LogEntry[];
}

export const splitBenchmark: Benchmark = {
  name: 'split',
  description: 'split and stitch: one long 1080p source cut into chunks on the job queue, against one decode-once ffmpeg, and one fleet process per core against one',
  async run(log) {
    if (!Number.isFinite(SOURCE_SECONDS) || SOURCE_SECONDS <= 0) throw new Error(`BENCH_SPLIT_SECONDS must be a positive number of seconds`);
    if (!Number.isInteger(CHUNK_SECONDS) || CHUNK_SECONDS <= 0 || CHUNK_SECONDS % 4 !== 0) throw new Error(`CHUNK_SECONDS must be a multiple of 4 (got ${CHUNK_SECONDS})`);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-split-'));
    const { ffmpeg } = resolveFfmpegBinaries();
    const s3Emulator = await startS3Emulator({ port: await freePort(), directory: join(dir, 's3'), bucket: 'hoist' });
    const s3 = new S3Client({ endpoint: s3Emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_EMULATOR_CREDENTIALS });
    // Both sides encode the same ladder with the same preset, whatever the caller's environment says.
    const commonEnv = { LADDER: DEFAULT_LADDER.join(','), X264_PRESET: 'veryfast', CHUNK_SECONDS: String(CHUNK_SECONDS) };
    try {
      const source = join(dir, 'clip.mp4');
      await makeTestClip(source, { width: CLIP.width, height: CLIP.height, seconds: SOURCE_SECONDS });
      const clip = await readFile(source);
      const ladder = chooseLadder(CLIP);
      log(`source: ${CLIP.width}x${CLIP.height}, ${SOURCE_SECONDS} s, ${(clip.length / 2 ** 20).toFixed(1)} MiB; rungs ${ladder.map((r) => r.label).join(', ')}; CHUNK_SECONDS ${CHUNK_SECONDS}`);

      let runNumber = 0;
      /** Queues the clip as a new source on a fresh queue served by `fleets`; seconds from the job's send to status `ready`. */
      const hoist = async (fleets: readonly FleetSpec[]): Promise<HoistRun> => {
        const run = runNumber++;
        const sqsEmulator = await startSqsEmulator({ port: await freePort(), queueName: 'jobs', visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, maxReceiveCount: 3 });
        const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
        const entries: LogEntry[] = [];
        /** When (performance.now()) a process logged the job `ready`. */
        let readyLoggedAt: number | undefined;
        const processes: { fleet: ManagedProcess; lines: string[] }[] = [];
        try {
          for (const [i, spec] of fleets.entries()) {
            // Each process its own scratch folder: a sweep at start-up must not see another's jobs.
            const tempDir = join(dir, `run-${run}-fleet-${i}`);
            await mkdir(tempDir, { recursive: true });
            const lines: string[] = [];
            const fleet = startFleetProcess({
              repoRoot: REPO_ROOT,
              ...(spec.core === undefined ? {} : { commandPrefix: ['taskset', '-c', String(spec.core)] }),
              env: {
                JOB_QUEUE_URL: sqsEmulator.queueUrl, SQS_ENDPOINT: sqsEmulator.endpoint, S3_BUCKET: 'hoist', S3_ENDPOINT: s3Emulator.endpoint,
                AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
                HEALTH_PORT: '0', TEMP_DIR: tempDir, ...commonEnv, ...spec.env,
              },
              output: (line) => {
                lines.push(line);
                const entry = parseLogLine(line);
                if (!entry) return;
                entries.push(entry);
                if (entry.message === 'job finished' && entry['outcome'] === 'ready') readyLoggedAt ??= performance.now();
              },
            });
            processes.push({ fleet, lines });
          }
          const failure = () => processes.flatMap((p, i) => p.lines.slice(-30).map((l) => `#${i} ${l}`)).join('\n');
          for (const { fleet, lines } of processes) {
            while (!lines.some((l) => l.includes('"message":"polling"'))) {
              if (fleet.child.exitCode !== null) throw new Error(`fleet exited before polling:\n${failure()}`);
              await new Promise((r) => setTimeout(r, 20));
            }
          }
          const videoId = newVideoId();
          const key = sourceKey('bench', videoId, 'clip.mp4');
          const put = await s3.send(new PutObjectCommand({ Bucket: 'hoist', Key: key, Body: clip }));
          const job: TranscodeJob = { kind: 'transcode', version: 1, videoId, owner: 'bench', bucket: 'hoist', key, size: clip.length, etag: put.ETag ?? `bench-${run}`, eventTime: new Date().toISOString() };
          const started = performance.now();
          await sqs.send(new SendMessageCommand({ QueueUrl: sqsEmulator.queueUrl, MessageBody: JSON.stringify(job) }));
          // Done is when the finalizing process logs the job `ready`, which it does right after
          // writing the status document; the document is then read to confirm it. The bench does
          // not poll the document meanwhile: every GET costs the emulator, on the same cores as
          // the encodes, about 5 ms of CPU, and ten a second for two minutes is a core-second
          // every ten taken from the processes measured. A slow poll still catches a failure.
          const deadline = started + Math.max(600, SOURCE_SECONDS * 30) * 1000;
          let readyAt: number | undefined;
          let lastRead = started;
          for (;;) {
            readyAt ??= readyLoggedAt;
            if (readyAt !== undefined || performance.now() - lastRead > 5000) {
              lastRead = performance.now();
              const state = await readState(s3, outputKeys.status(videoId));
              if (state === 'ready') break;
              if (state === 'failed') throw new Error(`the fleet failed the video:\n${failure()}`);
              if (readyAt !== undefined) throw new Error(`the fleet logged the video ready, but its status says ${state ?? 'nothing'}:\n${failure()}`);
            }
            if (processes.some((p) => p.fleet.child.exitCode !== null)) throw new Error(`a fleet process exited:\n${failure()}`);
            if (performance.now() > deadline) throw new Error(`not ready after ${((deadline - started) / 1000).toFixed(0)} s:\n${failure()}`);
            await new Promise((r) => setTimeout(r, 50));
          }
          const seconds = ((readyAt ?? performance.now()) - started) / 1000;
          // Give the finalizing process a moment to log its `finalized` line after the status write.
          await new Promise((r) => setTimeout(r, 300));
          return { seconds, costs: videoCosts(entries, videoId), entries };
        } finally {
          await Promise.all(processes.map((p) => p.fleet.stop()));
          sqs.destroy();
          await sqsEmulator.stop();
        }
      };

      const decodeOnce = async (): Promise<HoistRun> => {
        const out = join(dir, `once-${runNumber++}`);
        for (const rung of ladder) await mkdir(join(out, `${rung.label}p`), { recursive: true });
        const args = decodeOnceLadderArgs({ source, outputDir: out, rungs: ladder, frameRate: CLIP.frameRate, hasAudio: CLIP.hasAudio, preset: 'veryfast' });
        const started = performance.now();
        await promisify(execFile)(ffmpeg, args);
        const seconds = (performance.now() - started) / 1000;
        await rm(out, { recursive: true, force: true });
        return { seconds, costs: { chunkUnits: [] }, entries: [] };
      };

      /** Seconds until every one of `cores` has encoded the source's first chunk's ladder (video only, as a chunk unit), one raw ffmpeg pinned to each. */
      const rawChunks = async (onCores: readonly number[]): Promise<number> => {
        const outs = onCores.map(() => join(dir, `raw-${runNumber++}`));
        for (const out of outs) for (const rung of ladder) await mkdir(join(out, `${rung.label}p`), { recursive: true });
        const started = performance.now();
        await Promise.all(onCores.map((core, i) => {
          const args = decodeOnceLadderArgs({ source, outputDir: outs[i]!, rungs: ladder, frameRate: CLIP.frameRate, hasAudio: false, preset: 'veryfast', seconds: CHUNK_SECONDS });
          return promisify(execFile)('taskset', ['-c', String(core), ffmpeg, ...args]);
        }));
        const seconds = (performance.now() - started) / 1000;
        await Promise.all(outs.map((out) => rm(out, { recursive: true, force: true })));
        return seconds;
      };

      const notes: string[] = [];
      const rows: ComparisonRow[] = [];

      // The fleet's default JOB_CONCURRENCY unless the bench's environment sets one (it passes through).
      log(`whole machine: one fleet process (JOB_CONCURRENCY ${process.env['JOB_CONCURRENCY'] ?? 'default'}) against one decode-once ffmpeg`);
      const wholeMachine = await alternate(REPETITIONS, WARMUP, () => hoist([{ env: {} }]), decodeOnce);
      // What the fleet ran with, from its `polling` line: the c of the projection.
      const polling = wholeMachine.a.flatMap((r) => r.entries).find((e) => e.message === 'polling');
      const concurrency = typeof polling?.['concurrency'] === 'number' ? polling['concurrency'] : 1;
      const hoistWall = summarise(wholeMachine.a.map((r) => r.seconds));
      const onceWall = summarise(wholeMachine.b.map((r) => r.seconds));
      rows.push({
        metric: 'full ladder, wall time, whole machine', unit: 's', hoist: hoistWall, baselineName: 'decode-once single ffmpeg on the whole machine', baseline: onceWall,
        ratio: onceWall.median / hoistWall.median, target: 'no slower (≥ 1×)', met: hoistWall.median <= onceWall.median,
      });

      const cores = availableParallelism();
      const taskset = await canPin();
      if (cores >= 2 && taskset) {
        await withThisProcessPinned(0, async () => {
          log('scaling: two fleet processes on cores 0 and 1 against one on core 0, JOB_CONCURRENCY 1 each; the bench and its emulators on core 0 in both');
          const pinned = (core: number): FleetSpec => ({ core, env: { JOB_CONCURRENCY: '1' } });
          const scaling = await alternate(REPETITIONS, WARMUP, () => hoist([pinned(0), pinned(1)]), () => hoist([pinned(0)]));
          const two = summarise(scaling.a.map((r) => r.seconds));
          const one = summarise(scaling.b.map((r) => r.seconds));
          // One video either way, so throughput is the inverse of its wall time.
          const ratio = one.median / two.median;
          rows.push({
            metric: 'source queued → ready, two fleet processes on a core each (throughput ratio)', unit: 's', hoist: two, baselineName: 'one fleet process on one core', baseline: one,
            ratio, target: '≥ 1.8× the throughput of one', met: ratio >= 1.8,
          });

          // What the machine itself gives: the same encode twice at once, a core each, against once.
          log(`machine's own scaling: one ${CHUNK_SECONDS} s chunk's ladder in raw ffmpeg, on cores 0 and 1 at once against on core 0 alone`);
          const raw = await alternate(RAW_REPETITIONS, 0, () => rawChunks([0, 1]), () => rawChunks([0]));
          const rawTwo = summarise(raw.a);
          const rawOne = summarise(raw.b);
          rows.push({
            metric: `for reference, the machine's own scaling: one ${CHUNK_SECONDS} s chunk's ladder in raw ffmpeg on local files, two at once on a core each (throughput ratio)`, unit: 's',
            hoist: rawTwo, baselineName: 'the same ffmpeg alone on one core', baseline: rawOne, ratio: (2 * rawOne.median) / rawTwo.median, target: 'reference', met: true,
          });
        });
      } else {
        notes.push(`scaling rows skipped: they need two cores and taskset (this machine: ${cores} cores, taskset ${taskset ? 'found' : 'missing'}).`);
      }

      // Fixed costs, from the whole-machine runs (the warm-up's lines are not among them).
      const costs = wholeMachine.a.map((r) => r.costs);
      const figure = (values: (number | undefined)[]): Summary | undefined => {
        const logged = values.filter((v): v is number => v !== undefined);
        return logged.length > 0 ? summarise(logged.map((ms) => ms / 1000)) : undefined;
      };
      const plan = figure(costs.map((c) => c.planMs));
      const finalize = figure(costs.map((c) => c.finalizeMs));
      const chunkUnits = costs.flatMap(fullChunks);
      const overhead = figure(chunkUnits.map((u) => u.elapsedMs - u.encodeMs));
      const chunkTime = figure(chunkUnits.map((u) => u.elapsedMs));
      const audio = figure(costs.map((c) => c.audio?.elapsedMs));
      const chunks = costs.map((c) => c.chunks).find((n) => n !== undefined);
      const fixed = (metric: string, value: Summary | undefined, unit = 's'): ComparisonRow => ({
        metric, unit, ...(value ? { hoist: value } : { hoistMissing: 'not logged' }), baselineName: '—', target: 'reference', met: true,
      });
      rows.push(
        fixed('planning (probe to plan written; log `planned`, planMs)', plan),
        fixed('finalize (playlists, master, poster, status; log `finalized`, finalizeMs)', finalize),
        fixed('per-chunk overhead (unit time less its ffmpeg run; median of elapsedMs − encodeMs)', overhead),
        fixed(`chunk time, one full ${CHUNK_SECONDS} s chunk, whole unit (elapsedMs)`, chunkTime),
      );
      notes.push(
        `source: generated ${CLIP.width}x${CLIP.height} test pattern with a tone, ${SOURCE_SECONDS} s${SOURCE_SECONDS < 120 ? ' (shortened with BENCH_SPLIT_SECONDS: a development run, not a measurement)' : ''}; rungs ${ladder.map((r) => `${r.width}x${r.height}`).join(', ')}; x264 veryfast, the same settings on every side; CHUNK_SECONDS ${CHUNK_SECONDS}${chunks === undefined ? '' : `, ${chunks} chunks planned`}; the fleet at JOB_CONCURRENCY ${concurrency}; decode-once encodes AAC into every rung, as the ladder benchmark's does.`,
        'Hoist is timed from sending the source’s job to status.json saying ready, so it includes reading the source from and writing every segment to the local S3 emulator; decode-once reads and writes local files only.',
        'the scaling row pins the bench process, with the S3 and SQS emulators it hosts, to core 0 in both of its runs: in production S3 and SQS are not on the fleet’s instances, and left free the emulators would have a whole spare core beside one fleet process and none beside two.',
        'the machine’s-own-scaling row is for reading the scaling row: it is the ratio two fleet processes would reach if the fleet added no cost of its own, on this machine, in this run.',
      );
      // Two processes can only halve the time when there are enough units to share evenly.
      if (chunks !== undefined && chunks < 8) {
        notes.push(`only ${chunks} chunks${CLIP.hasAudio ? ' and the audio' : ''} to share between two processes: the scaling ratio is bounded by how evenly they split, not only by the cores; a smaller CHUNK_SECONDS gives more.`);
      }

      // Projections for long sources, from the figures above (the doc's table is refreshed from these lines).
      const estimated: string[] = [];
      const inputs: ProjectionInputs = {
        planSeconds: plan?.median ?? (estimated.push('plan not logged, taken as 0'), 0),
        finalizeSeconds: finalize?.median ?? (estimated.push('finalize not logged, taken as 0'), 0),
        chunkSeconds: chunkTime?.median ?? (estimated.push('chunk time not logged, estimated as the whole-machine wall time pro rata to CHUNK_SECONDS'), (hoistWall.median * CHUNK_SECONDS) / SOURCE_SECONDS),
        audioSecondsPerSourceSecond: audio ? audio.median / SOURCE_SECONDS : (CLIP.hasAudio && estimated.push('audio unit not logged, taken as 0'), 0),
        hasAudio: CLIP.hasAudio,
        chunkLength: CHUNK_SECONDS,
        concurrency,
      };
      const projectionLine = (label: string, factor: number) =>
        `projection, 2 h ${label}: ${INSTANCE_COUNTS.map((n) => `${n} instance${n === 1 ? '' : 's'} ${formatDuration(projectSeconds(inputs, TWO_HOURS, n, factor))}`).join(', ')}.`;
      notes.push(
        projectionLine('1080p', 1),
        projectionLine('4K', PIXELS_4K_OVER_1080P),
        `projection formula: T(n) = plan + max(ceil(units / (n × c)) × chunk_time, audio_time) + finalize, units = ceil(7200 / ${CHUNK_SECONDS}) chunks${CLIP.hasAudio ? ' + 1 audio' : ''}; ` +
          `plan ${inputs.planSeconds.toFixed(2)} s, finalize ${inputs.finalizeSeconds.toFixed(2)} s, chunk_time ${inputs.chunkSeconds.toFixed(2)} s, audio_time ${(inputs.audioSecondsPerSourceSecond * TWO_HOURS).toFixed(1)} s for 2 h, c = ${inputs.concurrency}; ` +
          `an instance is this machine (${cores} cores); 4K is taken as ${PIXELS_4K_OVER_1080P}× the pixels, so ${PIXELS_4K_OVER_1080P}× the chunk time, of 1080p (an assumption, not measured)` +
          `${estimated.length > 0 ? `; ${estimated.join('; ')}` : ''}.`,
      );
      for (const note of notes.slice(-3)) log(note);
      return { name: 'split', description: this.description, rows, notes };
    } finally {
      s3.destroy();
      await s3Emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** The video's status state, or undefined before the fleet has written one. */
async function readState(s3: S3Client, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: 'hoist', Key: key }));
    const body = await object.Body?.transformToString();
    return body ? (JSON.parse(body) as { state?: string }).state : undefined;
  } catch (error) {
    // Not written yet; a document caught mid-write reads as not ready and is read again.
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
