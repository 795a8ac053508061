import { EDGE_DEFAULTS } from '../../edge/src/config.js';
import { FLEET_DEFAULTS } from '../../worker-fleet/src/fleet/config.js';

/**
 * The fleet's and the edge's own defaults, taken from the constants their config parsers
 * apply rather than copied, so the queue's visibility timeout, the instances' settings and the bucket's
 * lifecycle rule cannot drift from what the code does.
 */
export interface AppDefaults {
  /** Fleet VISIBILITY_TIMEOUT_SECONDS: how long a received job stays hidden; the heartbeat renews it at a third of this. */
  visibilityTimeoutSeconds: number;
  /** Fleet DRAIN_SECONDS: how long SIGTERM lets running jobs finish. */
  drainSeconds: number;
  /** Fleet JOB_CONCURRENCY: jobs one instance runs at once. */
  jobConcurrency: number;
  /** Edge UPLOAD_TTL_SECONDS: how long an upload token (so a multipart upload) stays usable. */
  uploadTtlSeconds: number;
}

/** The fleet's and the edge's defaults, as their config parsers apply them. */
export function readAppDefaults(): AppDefaults {
  return {
    visibilityTimeoutSeconds: FLEET_DEFAULTS.VISIBILITY_TIMEOUT_SECONDS,
    drainSeconds: FLEET_DEFAULTS.DRAIN_SECONDS,
    jobConcurrency: FLEET_DEFAULTS.JOB_CONCURRENCY,
    uploadTtlSeconds: EDGE_DEFAULTS.UPLOAD_TTL_SECONDS,
  };
}
