import { describe, expect, it } from 'vitest';
import { readFleetConfig } from './config.js';

const base = { JOB_QUEUE_URL: 'http://127.0.0.1:4576/000000000000/jobs', S3_BUCKET: 'hoist' };

describe('readFleetConfig', () => {
  it('fills in defaults', () => {
    expect(readFleetConfig(base)).toMatchObject({ JOB_CONCURRENCY: 1, LADDER: [1080, 720, 480, 360], X264_PRESET: 'veryfast', VISIBILITY_TIMEOUT_SECONDS: 120 });
  });

  it('fails fast, naming the variable', () => {
    expect(() => readFleetConfig({})).toThrow('JOB_QUEUE_URL: JOB_QUEUE_URL is not set');
    expect(() => readFleetConfig({ ...base, JOB_CONCURRENCY: '0' })).toThrow('JOB_CONCURRENCY: JOB_CONCURRENCY must be at least 1');
    expect(() => readFleetConfig({ ...base, LADDER: '720,big' })).toThrow(/LADDER must be comma-separated heights/);
    expect(() => readFleetConfig({ ...base, X264_PRESET: 'placebo' })).toThrow(/X264_PRESET/);
  });
});
