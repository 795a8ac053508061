import { describe, expect, it } from 'vitest';
import { GiB, MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, MiB } from './limits.js';
import { partRange, planParts } from './part-plan.js';

describe('planParts', () => {
  it('uses 5 MiB parts while 10,000 of them suffice', () => {
    expect(planParts(1)).toEqual({ partSize: MIN_PART_SIZE, partCount: 1 });
    expect(planParts(12 * MiB)).toEqual({ partSize: MIN_PART_SIZE, partCount: 3 });
    expect(planParts(MAX_PARTS * MIN_PART_SIZE)).toEqual({ partSize: MIN_PART_SIZE, partCount: MAX_PARTS });
  });

  it('grows the part size only as far as the size demands, up to 5 TiB', () => {
    for (const size of [MAX_PARTS * MIN_PART_SIZE + 1, 100 * GiB, 1024 * GiB, MAX_OBJECT_SIZE]) {
      const plan = planParts(size);
      expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
      expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_SIZE);
      expect(plan.partSize % MiB).toBe(0);
      expect(plan.partSize - MiB).toBeLessThan(Math.ceil(size / MAX_PARTS));
    }
  });

  it('refuses sizes S3 cannot store', () => {
    expect(() => planParts(0)).toThrow(/at least 1/);
    expect(() => planParts(-5)).toThrow(/at least 1/);
    expect(() => planParts(1.5)).toThrow(/whole number/);
    expect(() => planParts(MAX_OBJECT_SIZE + 1)).toThrow(/5 TiB/);
  });

  it('gives each part its byte range, the last one short', () => {
    const plan = planParts(12 * MiB);
    expect(partRange(plan, 12 * MiB, 1)).toEqual({ start: 0, end: 5 * MiB });
    expect(partRange(plan, 12 * MiB, 3)).toEqual({ start: 10 * MiB, end: 12 * MiB });
    expect(() => partRange(plan, 12 * MiB, 4)).toThrow(/outside 1..3/);
  });
});
