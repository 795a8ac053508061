import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './human-units.js';

const GiB = 1024 ** 3;

describe('sizes and durations in the fleet\'s messages', () => {
  it('states bytes in binary units, about three significant digits', () => {
    expect([512, 1536, 7500, 1023.9 * 1024, 512 * 1024 ** 2, 25 * GiB, 5 * 1024 * GiB].map(formatBytes)).toEqual([
      '512 bytes',
      '1.50 KiB',
      '7.32 KiB',
      '1024 KiB',
      '512 MiB',
      '25.0 GiB',
      '5.00 TiB',
    ]);
  });

  it('states durations as a person reads them', () => {
    expect([0.04, 0.3, 3.25, 65, 3600, 36000].map(formatDuration)).toEqual(['0 s', '0.3 s', '3.3 s', '1 min 5 s', '1 h 0 min', '10 h 0 min']);
  });
});
