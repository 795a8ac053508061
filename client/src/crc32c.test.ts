import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { compositeCrc32c, crc32c } from './crc32c.js';

/** CRC32C as S3 carries it: the 4 bytes big-endian, from an implementation that is not ours. */
const reference = (bytes: Uint8Array) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(nativeCrc32c(Buffer.from(bytes)) >>> 0);
  return out;
};

describe('crc32c', () => {
  it('is CRC32C (the check value of "123456789" is e3069283), also for parts checksummed side by side', async () => {
    expect(Buffer.from(await crc32c(new TextEncoder().encode('123456789'))).toString('hex')).toBe('e3069283');
    const parts = [0, 1, 5 * 1024 * 1024 + 3].map((size, i) => Uint8Array.from({ length: size }, (_, j) => (j * 31 + i) & 0xff));
    const digests = await Promise.all(parts.map((bytes) => crc32c(bytes)));
    digests.forEach((digest, i) => expect(Buffer.from(digest).toString('hex')).toBe(reference(parts[i]!).toString('hex')));
  });

  it('combines part checksums the way S3 reports a multipart object CRC32C', async () => {
    const parts = ['part one', 'part two', 'part three'].map((text) => reference(new TextEncoder().encode(text)));
    const expected = `${reference(Buffer.concat(parts)).toString('base64')}-3`;
    expect(await compositeCrc32c(parts.map((p) => p.toString('base64')))).toBe(expected);
  });
});
