import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Rung, TranscodeTask } from '@hoist/shared';
import { makeTestClip } from '../../tests/support/clips.js';
import { resolveFfmpegBinaries } from '../../worker-fleet/src/transcode/ffmpeg-binaries.js';
import { chooseLadder } from '../../worker-fleet/src/transcode/ladder.js';
import { probeSource } from '../../worker-fleet/src/transcode/probe.js';
import { RenditionPool } from '../../worker-fleet/src/transcode/rendition-pool.js';
import { renditionArgs } from '../../worker-fleet/src/transcode/transcode.js';
import { DEFAULT_FFMPEG_LIMITS, renditionBounds } from '../../worker-fleet/src/transcode/ffmpeg-bounds.js';
import { sourceInputArgs, taskSourceInput } from '../../worker-fleet/src/media/source-input-args.js';
import { measureHdrLadder } from './hdr-ladder.js';
import { runSharedDecode } from './shared-decode.js';
import { alternate, summarise } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';

const SOURCE_SECONDS = 10;
const REPETITIONS = 2;

/**
 * The best single hand-written command: decode once, split, scale and encode every rung in
 * one ffmpeg, with exactly the per-rung settings the fleet uses (taken from `renditionArgs`).
 */
export function decodeOnceArgs(tasks: readonly TranscodeTask[]): string[] {
  const first = tasks[0]!;
  const perRung = tasks.map((task) => {
    const args = renditionArgs(task);
    const after = (flag: string) => args[args.indexOf(flag) + 1]!;
    const encoderStart = args.indexOf('-c:v');
    const encoderEnd = args.indexOf('-progress');
    // Encoder and muxer options of the rung, minus the -vf and -r the filtergraph now does.
    return { filter: after('-vf'), output: args.slice(encoderStart, encoderEnd), playlist: args[args.length - 1]!, hasAudio: task.hasAudio, rate: after('-r') };
  });
  const split = `[0:v]split=${tasks.length}${tasks.map((_, i) => `[v${i}]`).join('')}`;
  const graph = [split, ...perRung.map((r, i) => `[v${i}]fps=${r.rate},${r.filter}[out${i}]`)].join(';');
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    ...sourceInputArgs(taskSourceInput(first)),
    '-filter_complex', graph,
    ...perRung.flatMap((r, i) => ['-map', `[out${i}]`, ...(r.hasAudio ? ['-map', '0:a:0'] : []), ...r.output, r.playlist]),
  ];
}

export const ladderBenchmark: Benchmark = {
  name: 'ladder',
  description: 'the fleet’s ladder (piscina, one ffmpeg per rung) against one decode-once ffmpeg and against one ffmpeg per rung in sequence',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-ladder-'));
    const { ffmpeg, ffprobe } = resolveFfmpegBinaries();
    const threads = Number(process.env["LADDER_BENCH_THREADS"] ?? availableParallelism());
    const pool = new RenditionPool({ threads });
    try {
      const source = join(dir, 'source.mp4');
      await makeTestClip(source, { width: 1920, height: 1080, seconds: SOURCE_SECONDS });
      const info = await probeSource(ffprobe, source);
      const ladder = chooseLadder(info);
      log(`source: ${info.width}x${info.height}, ${SOURCE_SECONDS} s; rungs ${ladder.map((r) => r.label).join(', ')}; ${threads} pool threads`);
      let run = 0;
      const tasksIn = async (name: string): Promise<TranscodeTask[]> => {
        const out = join(dir, `${name}-${run++}`);
        return Promise.all(
          ladder.map(async (rung: Rung) => {
            const outputDir = join(out, `${rung.label}p`);
            await mkdir(outputDir, { recursive: true });
            return {
              videoId: '0123456789abcdefghjkmnpqrs', ffmpegPath: ffmpeg, sourcePath: source, sourceFormat: info.input.format, maxSourcePixels: info.input.maxPixels, outputDir, rung,
              frameRate: info.frameRate, hasAudio: info.hasAudio, keyframeSeconds: 2, segmentSeconds: 4,
              durationSeconds: info.durationSeconds, preset: 'veryfast' as const, ...renditionBounds(DEFAULT_FFMPEG_LIMITS, info.durationSeconds),
            };
          }),
        );
      };

      const fleet = async () => {
        const tasks = await tasksIn('fleet');
        const started = performance.now();
        let firstRung = Number.POSITIVE_INFINITY;
        // Lowest rung first, as the fleet submits them.
        await Promise.all(
          tasks.map((task, i) =>
            pool.run(task).then(() => {
              if (i === 0) firstRung = performance.now() - started;
            }),
          ),
        );
        return { total: (performance.now() - started) / 1000, firstRung: firstRung / 1000 };
      };
      const decodeOnce = async () => {
        const tasks = await tasksIn('once');
        const started = performance.now();
        await promisify(execFile)(ffmpeg, decodeOnceArgs(tasks));
        return { total: (performance.now() - started) / 1000, firstRung: Number.NaN };
      };
      const sharedDecode = async () => {
        const tasks = await tasksIn('shared');
        const started = performance.now();
        let firstRung = Number.POSITIVE_INFINITY;
        await runSharedDecode(ffmpeg, tasks, join(tasks[0]!.outputDir, '..'), (i) => {
          if (i === 0) firstRung = performance.now() - started;
        });
        return { total: (performance.now() - started) / 1000, firstRung: firstRung / 1000 };
      };
      const sequential = async () => {
        const tasks = await tasksIn('sequential');
        const started = performance.now();
        for (const task of tasks) await promisify(execFile)(ffmpeg, renditionArgs(task).filter((a) => a !== 'pipe:1' && a !== '-progress'));
        return { total: (performance.now() - started) / 1000, firstRung: Number.NaN };
      };

      log('fleet against decode-once');
      const vsOnce = await alternate(REPETITIONS, 1, fleet, decodeOnce);
      log('fleet against one run per rung in sequence');
      const vsSequential = await alternate(REPETITIONS, 1, fleet, sequential);
      log('fleet against one decoder feeding every rung over pipes');
      const vsShared = await alternate(REPETITIONS, 1, fleet, sharedDecode);
      const fleetRuns = [...vsOnce.a, ...vsSequential.a, ...vsShared.a];
      const shared = summarise(vsShared.b.map((r) => r.total));
      const sharedFirst = summarise(vsShared.b.map((r) => r.firstRung));
      const fleetTotal = summarise(fleetRuns.map((r) => r.total));
      const once = summarise(vsOnce.b.map((r) => r.total));
      const seq = summarise(vsSequential.b.map((r) => r.total));
      const firstRung = summarise(fleetRuns.map((r) => r.firstRung));
      const firstShare = summarise(fleetRuns.map((r) => r.firstRung / r.total));
      const hdr = await measureHdrLadder(dir, (await tasksIn('hdr-template'))[0]!, ffprobe, pool, log);
      return {
        name: 'ladder',
        description: this.description,
        rows: [
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetTotal, baselineName: 'decode-once single ffmpeg', baseline: once, ratio: once.median / fleetTotal.median, target: 'no slower (≥ 1×)', met: fleetTotal.median <= once.median },
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetTotal, baselineName: 'one ffmpeg per rung, in sequence', baseline: seq, ratio: seq.median / fleetTotal.median, target: 'reference', met: true },
          { metric: 'full ladder, wall time', unit: 's', hoist: fleetTotal, baselineName: 'one decoder feeding per-rung encoders over pipes', baseline: shared, ratio: shared.median / fleetTotal.median, target: 'reference', met: true },
          ...hdr.rows,
          { metric: 'lowest rung playable after', unit: 's', hoist: firstRung, baselineName: 'one decoder feeding per-rung encoders over pipes', baseline: sharedFirst, ratio: sharedFirst.median / firstRung.median, target: `< ⅓ of the ladder (${(fleetTotal.median / 3).toFixed(1)} s)`, met: firstShare.median < 1 / 3 },
        ],
        notes: [`source: generated ${info.width}x${info.height} test pattern with a tone, ${SOURCE_SECONDS} s; rungs ${ladder.map((r) => `${r.width}x${r.height}`).join(', ')}; x264 veryfast, the same settings on every side.`, ...hdr.notes],
      };
    } finally {
      await pool.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
