import { describe, expect, it } from 'vitest';
import { formatBitrate, formatBytes, formatEta, formatRate } from './format.js';

describe('page formatting', () => {
  it('sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(39_139_195)).toBe('37.3 MiB');
  });

  it('rates, times left and bitrates', () => {
    expect(formatRate(0)).toBe('–');
    expect(formatRate(8 * 1024 * 1024)).toBe('8.0 MiB/s');
    // A slow start has a fractional rate: it is shown in whole bytes.
    expect(formatRate(512.4)).toBe('512 B/s');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatEta(0.2)).toBe('about 1 s');
    expect(formatEta(150)).toBe('about 3 min');
    expect(formatEta(4800)).toBe('about 1 h 20 min');
    expect(formatBitrate(1_024_000)).toBe('1.0 Mb/s');
    expect(formatBitrate(491_000)).toBe('491 kb/s');
  });
});
