import { MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, MiB } from './limits.js';

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/**
 * Chooses the part size for an object of `size` bytes: `preferredPartSize` (default and floor
 * 5 MiB) unless the object would then need more than 10,000 parts, in which case the smallest
 * whole number of MiB that fits. Every size from 1 byte to 5 TiB gets a valid plan.
 */
export function planParts(size: number, preferredPartSize = MIN_PART_SIZE): PartPlan {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`size must be a whole number of bytes, at least 1 (got ${size})`);
  }
  if (size > MAX_OBJECT_SIZE) {
    throw new RangeError(`size ${size} is above S3's 5 TiB object limit`);
  }
  const neededForCount = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  const partSize = Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, preferredPartSize, neededForCount));
  return { partSize, partCount: Math.ceil(size / partSize) };
}

/** Byte range `[start, end)` of part `partNumber` (1-based) under `plan` for an object of `size`. */
export function partRange(plan: PartPlan, size: number, partNumber: number): { start: number; end: number } {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new RangeError(`part number ${partNumber} is outside 1..${plan.partCount}`);
  }
  const start = (partNumber - 1) * plan.partSize;
  return { start, end: Math.min(size, start + plan.partSize) };
}
