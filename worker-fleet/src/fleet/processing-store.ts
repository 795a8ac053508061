import { ChunkPlan, FinalizeClaim, UnitRecord, planUnits, processingKeys, unitName, type WorkUnit } from '@hoist/shared';
import type { S3Store } from '../storage/s3-store.js';

/**
 * The private documents of one source's chunked processing, in S3 beside its outputs
 * (`processing/<videoId>/<sourceTag>/`), written only with conditional writes: the first plan
 * stays the plan, a unit is recorded once, one worker at a time holds the finalize claim.
 */
export class ProcessingStore {
  constructor(
    private readonly store: S3Store,
    readonly videoId: string,
    readonly etag: string,
  ) {}

  /** Stores `plan` unless a plan for this source exists; returns the plan that stands. */
  async createPlan(plan: ChunkPlan): Promise<ChunkPlan> {
    if (await this.store.putJsonIf(processingKeys.plan(this.videoId, this.etag), plan, 'absent')) return plan;
    const existing = await this.readPlan();
    if (!existing) throw new Error(`plan of ${this.videoId} was refused as existing, then not found`);
    return existing;
  }

  /** The plan, or null when none was written (or it was removed after the video was finished). */
  async readPlan(): Promise<ChunkPlan | null> {
    const value = await this.store.getJson(processingKeys.plan(this.videoId, this.etag));
    return value === null ? null : ChunkPlan.parse(value);
  }

  /** Records a finished unit; false when it was recorded already (a duplicate delivery finished first). */
  recordUnit(record: UnitRecord): Promise<boolean> {
    return this.store.putJsonIf(processingKeys.unit(this.videoId, this.etag, unitName(record.unit)), record, 'absent');
  }

  /** Names of the units recorded so far. */
  async doneUnits(): Promise<Set<string>> {
    const prefix = processingKeys.unitsPrefix(this.videoId, this.etag);
    const keys = await this.store.list(prefix);
    return new Set(keys.map((key) => key.slice(prefix.length).replace(/\.json$/, '')));
  }

  /** Every unit's record, in the plan's order; throws if one is missing. */
  async readRecords(plan: ChunkPlan): Promise<UnitRecord[]> {
    return Promise.all(
      planUnits(plan).map(async (unit: WorkUnit) => {
        const value = await this.store.getJson(processingKeys.unit(this.videoId, this.etag, unitName(unit)));
        if (value === null) throw new Error(`record of ${unitName(unit)} of ${this.videoId} is missing`);
        return UnitRecord.parse(value);
      }),
    );
  }

  /**
   * Takes the right to finalize for the queue message `messageId`. Granted to the first to
   * create the claim, and again to the message that holds it (redelivered because the worker
   * that had it stopped mid-finalize), by a conditional write on the claim it read, so two
   * deliveries of that message cannot both take it over.
   */
  async claimFinalize(messageId: string, now = new Date()): Promise<boolean> {
    const key = processingKeys.finalize(this.videoId, this.etag);
    const claim: FinalizeClaim = { messageId, claimedAt: now.toISOString() };
    if (await this.store.putJsonIf(key, claim, 'absent')) return true;
    const existing = await this.store.getJsonWithEtag(key);
    if (!existing) return this.store.putJsonIf(key, claim, 'absent');
    const held = FinalizeClaim.safeParse(existing.value);
    if (held.success && held.data.messageId !== messageId) return false;
    return this.store.putJsonIf(key, claim, { ifMatch: existing.etag });
  }

  /** Removes every processing document of this source, once its video is finished. */
  remove(): Promise<void> {
    return this.store.deletePrefix(processingKeys.prefix(this.videoId, this.etag));
  }
}
