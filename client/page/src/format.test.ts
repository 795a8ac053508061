import { describe, expect, it } from 'vitest';
import { formatBitrate, formatBytes, formatEta, formatRate } from './format.js';

describe('page formatting', () => {
  it('sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.00 MiB');
    expect(formatBytes(39_139_195)).toBe('37.3 MiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.00 TiB');
  });

  it('rates, times left and bitrates', () => {
    expect(formatRate(0)).toBe('–');
    expect(formatRate(8 * 1024 * 1024)).toBe('8.00 MiB/s');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatEta(0.2)).toBe('about 1 s');
    expect(formatEta(150)).toBe('about 3 min');
    expect(formatEta(4800)).toBe('about 1 h 20 min');
    expect(formatBitrate(1_024_000)).toBe('1.0 Mb/s');
    expect(formatBitrate(491_000)).toBe('491 kb/s');
  });
});
