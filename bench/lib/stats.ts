/** Median and spread of repeated measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length };
}

/**
 * Runs `a` and `b` alternately, `repetitions` times each after `warmup` rounds that are thrown
 * away, so drift in the machine's state hits both sides alike.
 */
export async function alternate<T>(
  repetitions: number,
  warmup: number,
  a: () => Promise<T>,
  b: () => Promise<T>,
): Promise<{ a: T[]; b: T[] }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const results = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < repetitions; i++) {
    // Alternate which side goes first too.
    if (i % 2 === 0) {
      results.a.push(await a());
      results.b.push(await b());
    } else {
      results.b.push(await b());
      results.a.push(await a());
    }
  }
  return results;
}
