import { partRange, type PartPlan } from '@hoist/shared';
import type { ProgressMeter } from './progress-meter.js';

/** An upload's bytes sent: stored parts whole, parts under way as far as their attempt has gone. */
export class PartProgress {
  readonly #sending = new Map<number, number>();
  #doneBytes: number;

  constructor(
    private readonly meter: ProgressMeter,
    private readonly plan: PartPlan,
    private readonly size: number,
    /** Parts this run sends; the others are stored already. */
    todo: number[],
    private readonly partsDone: () => number,
  ) {
    this.#doneBytes = todo.length === plan.partCount ? 0 : size - todo.reduce((sum, n) => sum + this.#partSize(n), 0);
  }

  /** The attempt under way for a part has sent `sent` bytes of it; 0 when it was dropped. */
  sending(partNumber: number, sent: number): void {
    this.#sending.set(partNumber, sent);
    // Bytes dropped (a pause or a failed attempt) are shown at once, not at the next tick.
    this.report(sent === 0);
  }

  /** S3 holds the part. */
  stored(partNumber: number): void {
    this.#sending.delete(partNumber);
    this.#doneBytes += this.#partSize(partNumber);
  }

  report(force = false): void {
    let inFlight = 0;
    for (const sent of this.#sending.values()) inFlight += sent;
    this.meter.update(this.#doneBytes + inFlight, this.size, this.partsDone(), this.plan.partCount, force);
  }

  #partSize(partNumber: number): number {
    const { start, end } = partRange(this.plan, this.size, partNumber);
    return end - start;
  }
}
