import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_LIMITS } from '../media/media-limits.js';
import { mediaLimitsOf, readFleetConfig } from './config.js';

const base = { JOB_QUEUE_URL: 'http://127.0.0.1:4576/000000000000/jobs', S3_BUCKET: 'hoist' };

describe('readFleetConfig', () => {
  it('fills in defaults', () => {
    expect(readFleetConfig(base)).toMatchObject({ JOB_CONCURRENCY: 1, LADDER: [1080, 720, 480, 360], X264_PRESET: 'veryfast', VISIBILITY_TIMEOUT_SECONDS: 120 });
  });

  it('has a media limit for each thing a source is checked on, each a setting', () => {
    expect(mediaLimitsOf(readFleetConfig(base))).toEqual(DEFAULT_MEDIA_LIMITS);
    expect(
      mediaLimitsOf(readFleetConfig({ ...base, MAX_DURATION_SECONDS: '600', MAX_FRAME_WIDTH: '3840', MAX_FRAME_HEIGHT: '2160', MAX_FRAME_PIXELS: '8294400', MAX_FRAME_RATE: '59.94', MAX_STREAMS: '8' })),
    ).toEqual({ maxDurationSeconds: 600, maxWidth: 3840, maxHeight: 2160, maxPixels: 8_294_400, maxFrameRate: 59.94, maxStreams: 8 });
    expect(() => readFleetConfig({ ...base, MAX_FRAME_RATE: '0' })).toThrow('MAX_FRAME_RATE: MAX_FRAME_RATE must be above 0');
    expect(() => readFleetConfig({ ...base, MAX_STREAMS: 'many' })).toThrow('MAX_STREAMS: MAX_STREAMS must be a number');
    expect(() => readFleetConfig({ ...base, MAX_FRAME_PIXELS: '3000000000' })).toThrow(/MAX_FRAME_PIXELS must be at most/);
  });

  it('takes the oldest ffmpeg production runs as a release number, 5.1 unless set', () => {
    expect(readFleetConfig(base)).toMatchObject({ NODE_ENV: 'development', FFMPEG_MIN_VERSION: { major: 5, minor: 1, patch: 0 } });
    expect(readFleetConfig({ ...base, FFMPEG_MIN_VERSION: '6.1.2', NODE_ENV: 'production' })).toMatchObject({
      NODE_ENV: 'production',
      FFMPEG_MIN_VERSION: { major: 6, minor: 1, patch: 2 },
    });
    expect(() => readFleetConfig({ ...base, FFMPEG_MIN_VERSION: 'latest' })).toThrow('FFMPEG_MIN_VERSION must be a release number such as 5.1 or 6.1.2 (got latest)');
  });

  it('fails fast, naming the variable', () => {
    expect(() => readFleetConfig({})).toThrow('JOB_QUEUE_URL: JOB_QUEUE_URL is not set');
    expect(() => readFleetConfig({ ...base, JOB_CONCURRENCY: '0' })).toThrow('JOB_CONCURRENCY: JOB_CONCURRENCY must be at least 1');
    expect(() => readFleetConfig({ ...base, LADDER: '720,big' })).toThrow(/LADDER must be comma-separated heights/);
    expect(() => readFleetConfig({ ...base, X264_PRESET: 'placebo' })).toThrow(/X264_PRESET/);
  });
});
