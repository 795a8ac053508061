import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, progressLine } from './format.js';

describe('CLI formatting', () => {
  it('formats sizes, durations and the progress line', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536 * 1024 * 1024)).toBe('1.5 GiB');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--');
    expect(progressLine(512 * 1024 * 1024, 1024 * 1024 * 1024, 64 * 1024 * 1024, 8, 10)).toBe(
      '[#####.....]  50%  512.0 MiB / 1.0 GiB  64.0 MiB/s  ETA 8s',
    );
  });
});
