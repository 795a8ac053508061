import { describe, expect, it } from 'vitest';
import { planChunks } from './chunk-planner.js';

describe('planChunks', () => {
  it('makes the first chunk one short segment, then cuts on the segment grid; the last chunk runs to the end, a half to one and a half chunks long', () => {
    expect(planChunks(134.5, 60)).toEqual([
      { index: 0, startSeconds: 0, durationSeconds: 2, firstSegment: 0 },
      { index: 1, startSeconds: 2, durationSeconds: 60, firstSegment: 1 },
      { index: 2, startSeconds: 62, durationSeconds: 72.5, firstSegment: 16 },
    ]);
    // Two chunks' worth stays two chunks that two machines can share.
    expect(planChunks(120, 60).map((c) => c.durationSeconds)).toEqual([2, 60, 58]);
    expect(planChunks(7200, 60)).toHaveLength(121);
    // Every chunk after the first starts on a keyframe (every 2 s) and a segment boundary.
    expect(planChunks(600, 8).slice(1).every((c) => (c.startSeconds - 2) % 4 === 0 && c.startSeconds % 2 === 0)).toBe(true);
  });

  it('keeps what follows the first segment of a video shorter than one and a half chunks whole', () => {
    expect(planChunks(91.9, 60)).toEqual([
      { index: 0, startSeconds: 0, durationSeconds: 2, firstSegment: 0 },
      { index: 1, startSeconds: 2, durationSeconds: 89.9, firstSegment: 1 },
    ]);
  });

  it('keeps a video of about one segment whole', () => {
    expect(planChunks(3, 60)).toEqual([{ index: 0, startSeconds: 0, durationSeconds: 3, firstSegment: 0 }]);
    expect(planChunks(4, 60)).toEqual([{ index: 0, startSeconds: 0, durationSeconds: 4, firstSegment: 0 }]);
    expect(planChunks(4.1, 60).map((c) => c.durationSeconds)).toEqual([2, expect.closeTo(2.1, 6)]);
  });

  it('refuses a chunk length that is not whole segments', () => {
    expect(() => planChunks(100, 30)).toThrow(/whole number of 4 s segments/);
  });
});
