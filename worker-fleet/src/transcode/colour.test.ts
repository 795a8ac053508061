import { describe, expect, it } from 'vitest';
import { dynamicRange, ladderFilterGraph, renditionVideoFilter, sourceColour } from './colour.js';

const rung = { width: 640, height: 360 };

describe('sourceColour', () => {
  it('keeps the tags ffprobe reports', () => {
    expect(sourceColour({ color_transfer: 'arib-std-b67', color_primaries: 'bt2020', color_space: 'bt2020nc', height: 2160 })).toEqual({
      transfer: 'arib-std-b67',
      primaries: 'bt2020',
      matrix: 'bt2020nc',
    });
  });

  it('takes an untagged matrix as players guess it: BT.601 below 720 lines, BT.709 from 720', () => {
    expect(sourceColour({ height: 480 })).toEqual({ matrix: 'smpte170m' });
    expect(sourceColour({ color_space: 'unknown', height: 720 })).toEqual({ matrix: 'bt709' });
  });

  it('drops a name that is not one ffprobe could print', () => {
    expect(sourceColour({ color_transfer: 'x,drawtext=a', height: 1080 })).toEqual({ matrix: 'bt709' });
  });
});

describe('renditionVideoFilter', () => {
  it('HLG and PQ are told apart by their transfer', () => {
    expect(dynamicRange({ transfer: 'arib-std-b67' })).toBe('hlg');
    expect(dynamicRange({ transfer: 'smpte2084' })).toBe('pq');
    expect(dynamicRange({ transfer: 'bt709' })).toBe('sdr');
    expect(dynamicRange(undefined)).toBe('sdr');
  });

  it('SDR: one scale, the matrix converted to BT.709', () => {
    expect(renditionVideoFilter(rung, { matrix: 'smpte170m' })).toBe(
      'scale=640:360:flags=bicubic:in_color_matrix=smpte170m:out_color_matrix=bt709,setsar=1,format=yuv420p',
    );
    expect(renditionVideoFilter(rung, undefined)).toContain('in_color_matrix=bt709:out_color_matrix=bt709');
  });

  it('HDR: scaled, then tone-mapped from BT.2020 to BT.709 in linear light', () => {
    const filter = renditionVideoFilter(rung, { transfer: 'smpte2084', primaries: 'bt2020', matrix: 'bt2020nc' });
    expect(filter).toBe(
      'scale=640:360:flags=bicubic,setsar=1,zscale=tin=smpte2084:pin=2020:min=2020_ncl:t=linear:npl=100,format=gbrpf32le,' +
        'zscale=p=bt709,tonemap=mobius:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p',
    );
    // Untagged primaries and matrix on an HLG stream are read as BT.2020.
    expect(renditionVideoFilter(rung, { transfer: 'arib-std-b67' })).toContain('zscale=tin=arib-std-b67:pin=2020:min=2020_ncl:');
  });
});

describe('ladderFilterGraph', () => {
  const rungs = [
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ];

  it('SDR: one decode, one constant rate, one scale per rung', () => {
    expect(ladderFilterGraph(rungs, { matrix: 'bt709' }, 30000 / 1001)).toEqual({
      filter:
        '[0:v:0]fps=30000/1001,split=2[s0][s1];' +
        '[s0]scale=640:360:flags=bicubic:in_color_matrix=bt709:out_color_matrix=bt709,setsar=1,format=yuv420p[r0];' +
        '[s1]scale=1280:720:flags=bicubic:in_color_matrix=bt709:out_color_matrix=bt709,setsar=1,format=yuv420p[r1]',
      outputs: ['[r0]', '[r1]'],
    });
  });

  it('HDR: tone-mapped once at the top rung through the LUT, lower rungs scaled from the SDR picture', () => {
    const { filter } = ladderFilterGraph(rungs, { transfer: 'arib-std-b67', primaries: 'bt2020', matrix: 'bt2020nc' }, 25, '/scratch/job/tone-map.cube');
    expect(filter).toBe(
      '[0:v:0]fps=25,scale=1280:720:flags=bilinear:in_color_matrix=bt2020:in_range=tv,setsar=1,format=gbrp16le,' +
        'lut3d=file=/scratch/job/tone-map.cube:interp=tetrahedral,scale=flags=bilinear:sws_dither=none:out_color_matrix=bt709:out_range=tv,format=yuv420p,split=2[s0][s1];' +
        '[s0]scale=640:360:flags=bicubic,setsar=1,format=yuv420p[r0];[s1]scale=1280:720:flags=bicubic,setsar=1,format=yuv420p[r1]',
    );
    // Part of the ladder (the first chunk's lowest rung, ahead of the others) is tone-mapped at
    // the whole ladder's top size, as in every other chunk, and scaled down from there.
    const lowest = ladderFilterGraph([rungs[0]!], { transfer: 'arib-std-b67', primaries: 'bt2020', matrix: 'bt2020nc' }, 25, '/scratch/job/tone-map.cube', rungs[1]);
    expect(lowest.filter).toBe(
      '[0:v:0]fps=25,scale=1280:720:flags=bilinear:in_color_matrix=bt2020:in_range=tv,setsar=1,format=gbrp16le,' +
        'lut3d=file=/scratch/job/tone-map.cube:interp=tetrahedral,scale=flags=bilinear:sws_dither=none:out_color_matrix=bt709:out_range=tv,format=yuv420p,split=1[s0];' +
        '[s0]scale=640:360:flags=bicubic,setsar=1,format=yuv420p[r0]',
    );
    // Without its LUT, or with a path a filter graph would read as syntax, there is no graph.
    expect(() => ladderFilterGraph(rungs, { transfer: 'smpte2084' }, 25)).toThrow(/LUT/);
    expect(() => ladderFilterGraph(rungs, { transfer: 'smpte2084' }, 25, '/tmp/a,b:c.cube')).toThrow(/syntax/);
  });
});
