import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TranscodeTask } from '@hoist/shared';
import { makeMasteredClip } from '../../tests/support/colour-clips.js';
import { chooseLadder } from '../../worker-fleet/src/transcode/ladder.js';
import { probeSource, type SourceInfo } from '../../worker-fleet/src/transcode/probe.js';
import type { RenditionPool } from '../../worker-fleet/src/transcode/rendition-pool.js';
import { alternate, summarise } from '../lib/stats.js';
import type { ComparisonRow } from '../lib/types.js';

const HDR_SOURCE_SECONDS = 5;
const HDR_REPETITIONS = 2;
const HDR_TARGET = 1.5;

/**
 * The fleet's ladder on an HLG source against the same ladder on the SDR master of the same
 * picture, both 1080p HEVC as a phone records them (SDR 8-bit BT.709, HLG 10-bit BT.2020):
 * what tone mapping (and 10-bit decoding) adds to a job.
 */
export async function measureHdrLadder(
  dir: string,
  /** A task of the SDR rows: the settings every rung shares (encoder, bounds, keyframes). */
  template: TranscodeTask,
  ffprobe: string,
  pool: RenditionPool,
  log: (line: string) => void,
): Promise<{ rows: ComparisonRow[]; notes: string[] }> {
  const sources = { sdr: join(dir, 'hdr-bench-sdr.mp4'), hlg: join(dir, 'hdr-bench-hlg.mp4') };
  log(`HDR: making ${HDR_SOURCE_SECONDS} s 1080p HEVC masters, SDR and HLG`);
  await makeMasteredClip(sources.sdr, 'sdr-hevc', { width: 1920, height: 1080, seconds: HDR_SOURCE_SECONDS });
  await makeMasteredClip(sources.hlg, 'hlg', { width: 1920, height: 1080, seconds: HDR_SOURCE_SECONDS });
  const infos = { sdr: await probeSource(ffprobe, sources.sdr), hlg: await probeSource(ffprobe, sources.hlg) };
  let run = 0;
  const ladderOf = (kind: 'sdr' | 'hlg') => async () => {
    const info: SourceInfo = infos[kind];
    const out = join(dir, `hdr-bench-${kind}-${run++}`);
    const tasks: TranscodeTask[] = await Promise.all(
      chooseLadder(info).map(async (rung) => {
        const outputDir = join(out, `${rung.label}p`);
        await mkdir(outputDir, { recursive: true });
        return {
          ...template, sourcePath: sources[kind], sourceFormat: info.input.format, maxSourcePixels: info.input.maxPixels, outputDir, rung,
          frameRate: info.frameRate, hasAudio: info.hasAudio, sourceColour: info.colour, durationSeconds: info.durationSeconds,
        };
      }),
    );
    const started = performance.now();
    await Promise.all(tasks.map((task) => pool.run(task)));
    return (performance.now() - started) / 1000;
  };
  log('HDR: fleet ladder on the HLG source against the SDR master');
  const { a: hlgRuns, b: sdrRuns } = await alternate(HDR_REPETITIONS, 1, ladderOf('hlg'), ladderOf('sdr'));
  const hlg = summarise(hlgRuns);
  const sdr = summarise(sdrRuns);
  return {
    rows: [
      {
        metric: 'full ladder, wall time, HLG source (tone-mapped)',
        unit: 's',
        hoist: hlg,
        baselineName: 'the same ladder on the SDR master of the same picture',
        baseline: sdr,
        ratio: sdr.median / hlg.median,
        target: `≤ ${HDR_TARGET}× the SDR time`,
        met: hlg.median <= HDR_TARGET * sdr.median,
      },
    ],
    notes: [
      `HDR row: generated 1920x1080 test pattern, ${HDR_SOURCE_SECONDS} s, no audio, as 8-bit BT.709 HEVC and as 10-bit BT.2020 HLG HEVC; HLG rungs are tone-mapped (zscale, tonemap mobius); HLG takes ${(hlg.median / sdr.median).toFixed(2)}× the SDR time.`,
    ],
  };
}
