import { readEdgeConfig } from '../../edge/src/config.js';
import { readFleetConfig } from '../../worker-fleet/src/fleet/config.js';

/**
 * The fleet's and the edge's own defaults, read through their config parsers rather than
 * copied, so the queue's visibility timeout, the instances' settings and the bucket's
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

// Only to satisfy the parsers' required fields; none of these values is used.
const FLEET_REQUIRED = { JOB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/placeholder', S3_BUCKET: 'placeholder' };
const EDGE_REQUIRED = {
  S3_BUCKET_URL: 'https://placeholder.s3.us-east-1.amazonaws.com',
  S3_ACCESS_KEY_ID: 'placeholder',
  S3_SECRET_ACCESS_KEY: 'placeholder',
  UPLOAD_TOKEN_SECRET: 'p'.repeat(32),
  JWT_SECRET: 'p'.repeat(32),
};

/** Reads the fleet's and the edge's defaults by parsing an environment that sets none of them. */
export function readAppDefaults(): AppDefaults {
  const fleet = readFleetConfig(FLEET_REQUIRED);
  const edge = readEdgeConfig(EDGE_REQUIRED);
  return {
    visibilityTimeoutSeconds: fleet.VISIBILITY_TIMEOUT_SECONDS,
    drainSeconds: fleet.DRAIN_SECONDS,
    jobConcurrency: fleet.JOB_CONCURRENCY,
    uploadTtlSeconds: edge.UPLOAD_TTL_SECONDS,
  };
}
