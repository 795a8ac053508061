import { describe, expect, it } from 'vitest';
import { checksumLine, formatBytes, formatDuration, progressLine } from './format.js';

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

  it('names the checksum for what it is: the file\'s SHA-256 in hex, or S3\'s composite of the parts\'', () => {
    // SHA-256 of "abc".
    const abc = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';
    expect(checksumLine({ sha256: abc, partCount: 1 })).toBe(
      'sha256 of the file (S3 verified it): ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(checksumLine({ compositeSha256: `${abc}-30`, partCount: 30 })).toBe(
      `S3 composite checksum (SHA-256 of the 30 part SHA-256s, not the file's SHA-256): ${abc}-30`,
    );
    expect(checksumLine({ partCount: 3 })).toBeUndefined();
  });
});
