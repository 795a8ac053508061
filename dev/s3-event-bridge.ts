import { encodeS3EventKey } from '@hoist/shared';
import type { S3EventOutcome } from '../worker-fleet/src/lambda/s3-event-handler.js';
import type { Logger } from '../worker-fleet/src/logger.js';

interface EmulatorRecord {
  s3?: { object?: { key?: string } };
}

/**
 * Rewrites a record from the S3 emulator into the form S3 itself delivers: the emulator puts
 * raw keys in its records, S3 URL-encodes them with `+` for spaces. The Lambda handler then
 * decodes exactly what it decodes in AWS. (The emulator names a multipart completion
 * `ObjectCreated:Post` where S3 says `ObjectCreated:CompleteMultipartUpload`; the handler
 * accepts every `ObjectCreated:*`.)
 */
export function asDeliveredByS3(event: { Records: unknown[] }): { Records: unknown[] } {
  return {
    Records: event.Records.map((raw) => {
      const record = raw as EmulatorRecord;
      const key = record.s3?.object?.key;
      if (!record.s3?.object || key === undefined) return raw;
      return { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3EventKey(key) } } };
    }),
  };
}

/** What the bridge has passed to the Lambda handler so far, summed over the handler's outcomes. */
export interface BridgeTotals extends S3EventOutcome {
  /** Events the handler threw on (each logged as an error when it happened). */
  failed: number;
}

export interface S3EventBridgeOptions {
  /** The Lambda handler, `createS3EventHandler(...)`. */
  handle: (event: unknown) => Promise<S3EventOutcome>;
  logger: Logger;
  /** How often to log the totals, when they have changed. Default 60 s; 0 for only at `stop()`. */
  summaryIntervalMs?: number;
}

export interface S3EventBridge {
  /** Hands one event, as the emulator emits it, to the handler in the form S3 delivers. */
  deliver(event: { Records: unknown[] }): Promise<void>;
  totals(): BridgeTotals;
  /** Stops the periodic summary and logs the last one. */
  stop(): void;
}

/**
 * Stands in for S3's notification to Lambda. The emulator emits every write, each rendition and
 * status update among them, which S3 would not send (its notification covers new sources only);
 * the handler logs those at debug level, and the bridge keeps the count, logged as one summary
 * line now and then and at shutdown instead of one line a record.
 */
export function createS3EventBridge(options: S3EventBridgeOptions): S3EventBridge {
  const totals: BridgeTotals = { queued: 0, ignored: 0, skipped: 0, invalid: 0, failed: 0 };
  let logged = JSON.stringify(totals);
  const summarise = () => {
    const now = JSON.stringify(totals);
    if (now === logged) return;
    logged = now;
    options.logger.info('records passed to the Lambda handler so far', { ...totals });
  };
  const interval = options.summaryIntervalMs ?? 60_000;
  const timer = interval > 0 ? setInterval(summarise, interval).unref() : undefined;
  return {
    async deliver(event) {
      try {
        const outcome = await options.handle(asDeliveredByS3(event));
        for (const kind of ['queued', 'ignored', 'skipped', 'invalid'] as const) totals[kind] += outcome[kind];
      } catch (error) {
        totals.failed++;
        options.logger.error('Lambda handler failed', { error: String(error) });
      }
    },
    totals: () => ({ ...totals }),
    stop() {
      clearInterval(timer);
      summarise();
    },
  };
}
