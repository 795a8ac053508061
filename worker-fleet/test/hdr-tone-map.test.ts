import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourTags, makeMasteredClip, meanSaturation, type Mastering } from '../../tests/support/colour-clips.js';
import { runTranscodeJob } from '../src/fleet/run-transcode-job.js';
import { startTranscodeFixture, type TranscodeFixture } from './transcode-fixture.js';

let fx: TranscodeFixture;

beforeAll(async () => {
  fx = await startTranscodeFixture([360]);
});

afterAll(async () => {
  await fx?.stop();
});

/** Runs the job on the clip and returns its one rendition's playlist, downloaded from the bucket (the poster beside it). */
async function rendition(name: string, source: string): Promise<string> {
  const job = await fx.jobFor(name, await readFile(source));
  expect(await runTranscodeJob(job, fx.deps)).toBe('ready');
  const done = await fx.status(job.videoId);
  if (done.state !== 'ready') throw new Error(`job ended ${done.state}`);
  return fx.downloadRenditions(job.videoId, done.renditions[0]!.playlist);
}

/**
 * Tone mapping is judged by colourfulness: the mean signalstats SATAVG of the HDR source's
 * rendition against the SDR master's rendition of the same picture. Measured with the npm
 * ffmpeg (2018 build): SDR about 112; tone-mapped HLG and PQ about 85 (0.76 of SDR); the same
 * HDR clips only scaled to 8-bit 4:2:0, as the ladder did before, HLG 39 and PQ 23 (0.35, 0.20).
 */
const CLOSE_TO_SDR = 0.7;
const WASHED_OUT_BELOW = 0.5;

/** The poster downloaded with a rendition (`renditions/<id>/poster.jpg`). */
const posterBeside = (playlist: string) => join(dirname(dirname(playlist)), 'poster.jpg');

describe('HDR sources are tone-mapped to BT.709 SDR', () => {
  let sdrSaturation = 0;
  let sdrPosterSaturation = 0;

  beforeAll(async () => {
    const master = join(fx.dir, 'sdr.mp4');
    await makeMasteredClip(master, 'sdr');
    const out = await rendition('sdr.mp4', master);
    expect(await colourTags(out)).toMatchObject({ color_transfer: 'bt709', color_primaries: 'bt709', color_space: 'bt709' });
    sdrSaturation = await meanSaturation(out);
    sdrPosterSaturation = await meanSaturation(posterBeside(out));
  });

  it.each<[string, Mastering]>([
    ['HLG (10-bit HEVC)', 'hlg'],
    ['PQ (10-bit H.264)', 'pq'],
  ])('%s', async (name, mastering) => {
    const source = join(fx.dir, `${mastering}.mp4`);
    await makeMasteredClip(source, mastering);
    const out = await rendition(`${mastering}.mp4`, source);
    expect(await colourTags(out)).toMatchObject({ color_transfer: 'bt709', color_primaries: 'bt709', color_space: 'bt709' });

    const toneMapped = await meanSaturation(out);
    // What the ladder made before: the same scale to 8-bit 4:2:0, no tone mapping.
    const untoneMapped = await meanSaturation(source, 'scale=640:360,format=yuv420p');
    const figures = { name, sdr: sdrSaturation, toneMapped, untoneMapped };
    expect(untoneMapped / sdrSaturation, JSON.stringify(figures)).toBeLessThan(WASHED_OUT_BELOW);
    expect(toneMapped / sdrSaturation, JSON.stringify(figures)).toBeGreaterThan(CLOSE_TO_SDR);
    expect(toneMapped / sdrSaturation, JSON.stringify(figures)).toBeLessThan(1.15);

    // The poster is tone-mapped as the rungs are.
    const poster = await meanSaturation(posterBeside(out));
    const posterFigures = { name, sdrPoster: sdrPosterSaturation, poster };
    expect(poster / sdrPosterSaturation, JSON.stringify(posterFigures)).toBeGreaterThan(CLOSE_TO_SDR);
    expect(poster / sdrPosterSaturation, JSON.stringify(posterFigures)).toBeLessThan(1.15);
  });
});
