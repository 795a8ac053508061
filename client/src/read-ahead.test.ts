import { describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import type { PartSource } from './part-source.js';
import { ReadAhead, readPart } from './read-ahead.js';
import { wasmCrc32c } from './crc32c.js';
import { webCryptoSha256 } from './part-checksum.js';

/** A source over bytes in memory that records each read and each buffer handed back. */
function recordingSource(size: number) {
  const bytes = new Uint8Array(size).map((_, i) => i % 251);
  const reads: Array<[number, number]> = [];
  const released: number[] = [];
  const source: PartSource = {
    name: 'clip.mp4',
    size,
    type: 'video/mp4',
    read: async (start, end) => {
      reads.push([start, end]);
      return bytes.slice(start, end);
    },
    release: (buffer) => released.push(buffer.length),
  };
  return { source, reads, released };
}

describe('reading ahead of create', () => {
  it('reads and hashes the first parts of the plan the edge will make, each handed out once', async () => {
    const { source, reads } = recordingSource(12 * MiB);
    const ahead = new ReadAhead(source, 4, webCryptoSha256);
    // 12 MiB plans as 5 + 5 + 2 MiB: three parts, however many slots there are.
    expect(reads).toEqual([[0, 5 * MiB], [5 * MiB, 10 * MiB], [10 * MiB, 12 * MiB]]);
    const first = await ahead.take(1, 0, 5 * MiB);
    expect(first?.body.length).toBe(5 * MiB);
    expect(first?.checksum).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(ahead.take(1, 0, 5 * MiB)).toBeUndefined();
  });

  it('drops a part whose range the edge planned differently, and hands back what was never taken', async () => {
    const { source, released } = recordingSource(12 * MiB);
    const ahead = new ReadAhead(source, 2, undefined);
    expect(ahead.take(1, 0, 6 * MiB)).toBeUndefined();
    ahead.discard();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released.sort()).toEqual([5 * MiB, 5 * MiB]);
    expect(ahead.take(2, 5 * MiB, 10 * MiB)).toBeUndefined();
  });

  it('reads nothing for a size the edge refuses', () => {
    const { source, reads } = recordingSource(0);
    new ReadAhead(source, 4, webCryptoSha256);
    expect(reads).toEqual([]);
  });

  it('fails a part clearly when a caller\'s partChecksum option gives something other than a digest of its kind', async () => {
    const { source } = recordingSource(1024);
    const twentyBytes = async () => new Uint8Array(20);
    await expect(readPart(source, 0, 1024, { algorithm: 'sha256', digest: twentyBytes })).rejects.toThrow("the partChecksum option's digest returned 20 bytes; a sha256 digest is 32 bytes");
    await expect(readPart(source, 0, 1024, { algorithm: 'crc32c', digest: twentyBytes })).rejects.toThrow("the partChecksum option's digest returned 20 bytes; a crc32c digest is 4 bytes");
    await expect(readPart(source, 0, 1024, { algorithm: 'crc32c', digest: async () => 'abcd' as never })).rejects.toThrow("the partChecksum option's digest returned string; a crc32c digest is 4 bytes");
    await expect(readPart(source, 0, 1024, webCryptoSha256)).resolves.toMatchObject({ checksum: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    await expect(readPart(source, 0, 1024, wasmCrc32c)).resolves.toMatchObject({ checksum: expect.stringMatching(/^[A-Za-z0-9+/]{6}==$/) });
  });
});
