import { describe, expect, it } from 'vitest';
import { GiB, MiB, TiB, planParts } from '@hoist/shared';
import { hoistChunkSize } from './chunk-plan.js';

/**
 * How @uppy/aws-s3 6.3 cuts a file given `getChunkSize` (S3Uploader's constructor): at least
 * 5 MiB, widened to `ceil(size / 10000)` if that would still make more than 10,000 parts.
 */
function uppyChunks(size: number, getChunkSize: (file: { size: number }) => number): number[] {
  let chunkSize = Math.max(getChunkSize({ size }), 5 * MiB);
  if (Math.ceil(size / chunkSize) > 10_000) chunkSize = Math.ceil(size / 10_000);
  const ends: number[] = [];
  for (let offset = 0; offset < size; offset += chunkSize) ends.push(Math.min(offset + chunkSize, size));
  return ends;
}

describe('hoistChunkSize', () => {
  it.each([1, 5 * MiB, 5 * MiB + 1, 12 * MiB + 3, 48_828 * MiB + 1, 100 * GiB + 7, TiB, 5 * TiB])(
    'makes Uppy cut a %i-byte file exactly where Hoist signs its parts',
    (size) => {
      const plan = planParts(size);
      const ends = size <= 200 * GiB ? uppyChunks(size, hoistChunkSize) : undefined;
      if (ends) {
        expect(ends).toHaveLength(plan.partCount);
        expect(ends[0]).toBe(Math.min(size, plan.partSize));
        expect(ends.at(-1)).toBe(size);
      }
      // Huge files: compare the arithmetic rather than listing every chunk.
      let chunk = Math.max(hoistChunkSize({ size }), 5 * MiB);
      if (Math.ceil(size / chunk) > 10_000) chunk = Math.ceil(size / 10_000);
      expect(chunk).toBe(plan.partSize);
      expect(Math.ceil(size / chunk)).toBe(plan.partCount);
    },
  );

  it('copes with files Hoist refuses, so Uppy reaches the create request that says why', () => {
    // Empty: Uppy sends those with one PUT, which the adapter refuses.
    expect(hoistChunkSize({ size: 0 })).toBe(5 * MiB);
    // Above 5 TiB: throwing here would fail inside Uppy without any upload-error.
    expect(hoistChunkSize({ size: 5 * TiB + 1 })).toBe(planParts(5 * TiB).partSize);
  });
});
