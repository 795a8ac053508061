import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FleetConfig } from './config.js';

/**
 * The SDK waits on a silent socket forever by default. A job's heartbeat keeps its message hidden
 * for as long as the job runs, so one request that never ends would hold a video forever: a
 * socket idle this long fails the request instead, and the SDK retries it (a timeout is a
 * transient error to it). S3 sends or takes bytes throughout a transfer; the SQS long poll is
 * silent for up to 20 s by design.
 */
const S3_TIMEOUTS = { connectionTimeout: 10_000, requestTimeout: 60_000 };
const SQS_TIMEOUTS = { connectionTimeout: 10_000, requestTimeout: 45_000 };

/** AWS clients from config. Credentials come from the SDK's default chain (instance role in EC2). */
export function createAwsClients(config: FleetConfig): { s3: S3Client; sqs: SQSClient } {
  const s3 = new S3Client({
    region: config.AWS_REGION,
    requestHandler: S3_TIMEOUTS,
    // The local S3 speaks path-style on loopback; everything else is as in AWS (checksums included).
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
  const sqs = new SQSClient({ region: config.AWS_REGION, requestHandler: SQS_TIMEOUTS, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
  return { s3, sqs };
}
