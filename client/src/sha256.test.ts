import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64, compositeSha256, sha256 } from './sha256.js';

describe('checksums', () => {
  it('computes part SHA-256 as S3 expects it in x-amz-checksum-sha256', async () => {
    const bytes = new TextEncoder().encode('hello, hoist');
    expect(base64(await sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('base64'));
  });

  it('combines part digests the way S3 reports a multipart object checksum', async () => {
    const parts = ['part one', 'part two'].map((text) => createHash('sha256').update(text).digest());
    const expected = `${createHash('sha256').update(Buffer.concat(parts)).digest('base64')}-2`;
    expect(await compositeSha256(parts.map((p) => p.toString('base64')))).toBe(expected);
  });
});
