import { join } from 'node:path';
import { makeMasteredClip } from '../../tests/support/colour-clips.js';
import type { EncodePool } from '../../worker-fleet/src/transcode/encode-pool.js';
import { chooseLadder } from '../../worker-fleet/src/transcode/ladder.js';
import { probeSource } from '../../worker-fleet/src/transcode/probe.js';
import { benchPlan, hoistLadder } from './hoist-ladder.js';
import { alternate, summarise } from '../lib/stats.js';
import type { ComparisonRow } from '../lib/types.js';

const HDR_SOURCE_SECONDS = 10;
const HDR_REPETITIONS = 5;
const HDR_TARGET = 1.5;

/**
 * The fleet's ladder on an HLG source against the same ladder on the SDR master of the same
 * picture, both 1080p HEVC as a phone records them (SDR 8-bit BT.709, HLG 10-bit BT.2020):
 * what tone mapping (and 10-bit decoding) adds to a job.
 */
export async function measureHdrLadder(
  dir: string,
  ffmpeg: string,
  ffprobe: string,
  pool: EncodePool,
  log: (line: string) => void,
): Promise<{ rows: ComparisonRow[]; notes: string[] }> {
  const sources = { sdr: join(dir, 'hdr-bench-sdr.mp4'), hlg: join(dir, 'hdr-bench-hlg.mp4') };
  log(`HDR: making ${HDR_SOURCE_SECONDS} s 1080p HEVC masters, SDR and HLG`);
  await makeMasteredClip(sources.sdr, 'sdr-hevc', { width: 1920, height: 1080, seconds: HDR_SOURCE_SECONDS });
  await makeMasteredClip(sources.hlg, 'hlg', { width: 1920, height: 1080, seconds: HDR_SOURCE_SECONDS });
  const infos = { sdr: await probeSource(ffprobe, sources.sdr), hlg: await probeSource(ffprobe, sources.hlg) };
  let run = 0;
  const ladderOf = (kind: 'sdr' | 'hlg') => async () => {
    const plan = benchPlan(infos[kind], chooseLadder(infos[kind]));
    const started = performance.now();
    await hoistLadder(pool, ffmpeg, plan, sources[kind], join(dir, `hdr-bench-${kind}-${run++}`));
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
      `HDR row: generated 1920x1080 test pattern, ${HDR_SOURCE_SECONDS} s, no audio, as 8-bit BT.709 HEVC and as 10-bit BT.2020 HLG HEVC; HLG is tone-mapped once per frame at the top rung's size (a 33³ LUT of the exact float chain, lut3d tetrahedral) and the lower rungs scaled from it; HLG takes ${(hlg.median / sdr.median).toFixed(2)}× the SDR time.`,
    ],
  };
}
