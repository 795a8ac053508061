import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Rung } from '@hoist/shared';
import { makeTestClip } from '../../tests/support/clips.js';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';
import { chooseLadder } from '../../worker-fleet/src/transcode/ladder.js';
import { probeSource } from '../../worker-fleet/src/transcode/probe.js';
import { EncodePool } from '../../worker-fleet/src/transcode/encode-pool.js';
import { sourceInputArgs } from '../../worker-fleet/src/media/source-input-args.js';
import { benchPlan, hoistLadder } from './hoist-ladder.js';
import { measureHdrLadder } from './hdr-ladder.js';
import { perRungArgs, type BaselineRungTask } from './per-rung-args.js';
import { runSharedDecode } from './shared-decode.js';
import { alternate, summarise } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';

const SOURCE_SECONDS = 10;
const REPETITIONS = 2;
/** Pairs for the row with a target (against decode-once). */
const TARGET_REPETITIONS = 5;

/**
 * The best single hand-written command: decode once, split, scale and encode every rung in
 * one ffmpeg, audio muxed into each rung, with the per-rung encoder settings of perRungArgs.
 */
export function decodeOnceArgs(tasks: readonly BaselineRungTask[]): string[] {
  const first = tasks[0]!;
  const perRung = tasks.map((task) => {
    const args = perRungArgs(task);
    const after = (flag: string) => args[args.indexOf(flag) + 1]!;
    const encoderStart = args.indexOf('-c:v');
    // Encoder and muxer options of the rung, minus the -vf and -r the filtergraph now does.
    return { filter: after('-vf'), output: args.slice(encoderStart, -1), playlist: args[args.length - 1]!, hasAudio: task.hasAudio, rate: after('-r') };
  });
  const split = `[0:v]split=${tasks.length}${tasks.map((_, i) => `[v${i}]`).join('')}`;
  const graph = [split, ...perRung.map((r, i) => `[v${i}]fps=${r.rate},${r.filter}[out${i}]`)].join(';');
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    ...sourceInputArgs({ path: first.sourcePath, format: first.sourceFormat, maxPixels: first.maxSourcePixels }),
    '-filter_complex', graph,
    ...perRung.flatMap((r, i) => ['-map', `[out${i}]`, ...(r.hasAudio ? ['-map', '0:a:0'] : []), ...r.output, r.playlist]),
  ];
}

export const ladderBenchmark: Benchmark = {
  name: 'ladder',
  description: 'the fleet’s ladder of a short video (one chunk: every rung from one decode, audio beside it) against one decode-once ffmpeg, one ffmpeg per rung, and one decoder feeding per-rung encoders',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-ladder-'));
    const { ffmpeg, ffprobe } = resolveFfmpegBinaries();
    const threads = Number(process.env["LADDER_BENCH_THREADS"] ?? availableParallelism());
    const pool = new EncodePool({ threads });
    try {
      // As the fleet does at start: each thread loads the task code before the first encode.
      await pool.warmUp();
      const source = join(dir, 'source.mp4');
      await makeTestClip(source, { width: 1920, height: 1080, seconds: SOURCE_SECONDS });
      const info = await probeSource(ffprobe, source);
      const ladder = chooseLadder(info);
      log(`source: ${info.width}x${info.height}, ${SOURCE_SECONDS} s; rungs ${ladder.map((r) => r.label).join(', ')}; ${threads} pool threads`);
      let run = 0;
      const tasksIn = async (name: string): Promise<BaselineRungTask[]> => {
        const out = join(dir, `${name}-${run++}`);
        return Promise.all(
          ladder.map(async (rung: Rung) => {
            const outputDir = join(out, `${rung.label}p`);
            await mkdir(outputDir, { recursive: true });
            return {
              sourcePath: source, sourceFormat: info.input.format, maxSourcePixels: info.input.maxPixels, outputDir, rung,
              frameRate: info.frameRate, hasAudio: info.hasAudio, sourceColour: info.colour, preset: 'veryfast' as const,
            };
          }),
        );
      };
      const plan = benchPlan(info, ladder);

      const fleet = async () => {
        const started = performance.now();
        await hoistLadder(pool, ffmpeg, plan, source, join(dir, `fleet-${run++}`));
        return { total: (performance.now() - started) / 1000 };
      };
      const decodeOnce = async () => {
        const tasks = await tasksIn('once');
        const started = performance.now();
        await promisify(execFile)(ffmpeg, decodeOnceArgs(tasks));
        return { total: (performance.now() - started) / 1000 };
      };
      const sharedDecode = async () => {
        const tasks = await tasksIn('shared');
        const started = performance.now();
        await runSharedDecode(ffmpeg, tasks, join(tasks[0]!.outputDir, '..'));
        return { total: (performance.now() - started) / 1000 };
      };
      // The earlier fleet: one piscina task per rung, each decoding the source itself.
      const perRungAtOnce = async () => {
        const tasks = await tasksIn('per-rung');
        const started = performance.now();
        await Promise.all(tasks.map((task) => promisify(execFile)(ffmpeg, perRungArgs(task))));
        return { total: (performance.now() - started) / 1000 };
      };
      const sequential = async () => {
        const tasks = await tasksIn('sequential');
        const started = performance.now();
        for (const task of tasks) await promisify(execFile)(ffmpeg, perRungArgs(task));
        return { total: (performance.now() - started) / 1000 };
      };

      log('fleet against decode-once');
      // The row with a target: more pairs, as the host's noise moves single runs by a tenth.
      const vsOnce = await alternate(TARGET_REPETITIONS, 1, fleet, decodeOnce);
      log('fleet against one run per rung in sequence');
      const vsSequential = await alternate(REPETITIONS, 1, fleet, sequential);
      log('fleet against one decoder feeding every rung over pipes');
      const vsShared = await alternate(REPETITIONS, 1, fleet, sharedDecode);
      log('fleet against one ffmpeg per rung, all at once');
      const vsParallel = await alternate(REPETITIONS, 1, fleet, perRungAtOnce);
      const perRungParallel = summarise(vsParallel.b.map((r) => r.total));
      // Each row sets the fleet's runs against the baseline runs they alternated with, so a
      // change in the host's load during the benchmark falls on both sides of a row alike.
      const fleetOf = (runs: { a: { total: number }[] }) => summarise(runs.a.map((r) => r.total));
      const shared = summarise(vsShared.b.map((r) => r.total));
      const once = summarise(vsOnce.b.map((r) => r.total));
      const seq = summarise(vsSequential.b.map((r) => r.total));
      const hdr = await measureHdrLadder(dir, ffmpeg, ffprobe, pool, log);
      return {
        name: 'ladder',
        description: this.description,
        rows: [
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetOf(vsOnce), baselineName: 'decode-once single ffmpeg', baseline: once, ratio: once.median / fleetOf(vsOnce).median, target: 'no slower (≥ 1×)', met: fleetOf(vsOnce).median <= once.median },
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetOf(vsParallel), baselineName: 'one ffmpeg per rung, all at once (the earlier fleet design)', baseline: perRungParallel, ratio: perRungParallel.median / fleetOf(vsParallel).median, target: 'reference', met: true },
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetOf(vsSequential), baselineName: 'one ffmpeg per rung, in sequence', baseline: seq, ratio: seq.median / fleetOf(vsSequential).median, target: 'reference', met: true },
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetOf(vsShared), baselineName: 'one decoder feeding per-rung encoders over pipes', baseline: shared, ratio: shared.median / fleetOf(vsShared).median, target: 'reference', met: true },
          ...hdr.rows,
        ],
        notes: [`source: generated ${info.width}x${info.height} test pattern with a tone, ${SOURCE_SECONDS} s; rungs ${ladder.map((r) => `${r.width}x${r.height}`).join(', ')}; x264 veryfast, the same settings on every side.`, ...hdr.notes],
      };
    } finally {
      await pool.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
