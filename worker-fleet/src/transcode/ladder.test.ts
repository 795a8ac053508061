import { describe, expect, it } from 'vitest';
import { chooseLadder } from './ladder.js';
import { hlsCodecs, h264Level } from './h264-level.js';

const sizes = (rungs: ReturnType<typeof chooseLadder>) => rungs.map((r) => `${r.label}:${r.width}x${r.height}`);

describe('chooseLadder', () => {
  it('offers every default rung to a 1080p source, lowest first', () => {
    expect(sizes(chooseLadder({ width: 1920, height: 1080 }))).toEqual(['360:640x360', '480:854x480', '720:1280x720', '1080:1920x1080']);
  });

  it('never upscales', () => {
    expect(sizes(chooseLadder({ width: 1280, height: 720 }))).toEqual(['360:640x360', '480:854x480', '720:1280x720']);
  });

  it('uses the short side of a portrait source as the rung height', () => {
    expect(sizes(chooseLadder({ width: 720, height: 1280 }))).toEqual(['360:360x640', '480:480x854', '720:720x1280']);
  });

  it('makes odd sizes even', () => {
    expect(sizes(chooseLadder({ width: 853, height: 479 }))).toEqual(['360:642x360']);
  });

  it('gives a source smaller than every rung one rung of its own size', () => {
    expect(sizes(chooseLadder({ width: 321, height: 241 }))).toEqual(['240:320x240']);
  });
});

describe('h264Level', () => {
  it('picks the lowest level that fits size and rate', () => {
    expect(h264Level(640, 360, 30).level).toBe('3.0');
    expect(h264Level(854, 480, 30).level).toBe('3.1');
    expect(h264Level(1280, 720, 30).level).toBe('3.1');
    expect(h264Level(1920, 1080, 30).level).toBe('4.0');
    expect(h264Level(1920, 1080, 60).level).toBe('4.2');
    expect(hlsCodecs(40, true)).toBe('avc1.640028,mp4a.40.2');
    expect(hlsCodecs(31, false)).toBe('avc1.64001f');
  });
});
