import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FleetConfig } from './config.js';

/** AWS clients from config. Credentials come from the SDK's default chain (instance role in EC2). */
export function createAwsClients(config: FleetConfig): { s3: S3Client; sqs: SQSClient } {
  const s3 = new S3Client({
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT
      ? {
          endpoint: config.S3_ENDPOINT,
          forcePathStyle: true,
          // Emulators do not speak the SDK's default flexible checksums (aws-chunked trailers).
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
  const sqs = new SQSClient({ region: config.AWS_REGION, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
  return { s3, sqs };
}
