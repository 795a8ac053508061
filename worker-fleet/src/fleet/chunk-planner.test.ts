import { describe, expect, it } from 'vitest';
import { planChunks } from './chunk-planner.js';

describe('planChunks', () => {
  it('cuts on the segment grid; the last chunk runs to the end and is one to two chunks long', () => {
    expect(planChunks(130.5, 60)).toEqual([
      { index: 0, startSeconds: 0, durationSeconds: 60, firstSegment: 0 },
      { index: 1, startSeconds: 60, durationSeconds: 70.5, firstSegment: 15 },
    ]);
    expect(planChunks(7200, 60)).toHaveLength(120);
  });

  it('keeps a video shorter than two chunks whole', () => {
    expect(planChunks(119.9, 60)).toEqual([{ index: 0, startSeconds: 0, durationSeconds: 119.9, firstSegment: 0 }]);
    expect(planChunks(3, 60)).toEqual([{ index: 0, startSeconds: 0, durationSeconds: 3, firstSegment: 0 }]);
  });

  it('refuses a chunk length that is not whole segments', () => {
    expect(() => planChunks(100, 30)).toThrow(/whole number of 4 s segments/);
  });
});
