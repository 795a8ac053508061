import { SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../dev/ports.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator, type SqsEmulator } from '../../dev/sqs-emulator.js';

export interface SqsFixture {
  emulator: SqsEmulator;
  /** A client for the emulator, as the fleet and Lambda make them. */
  sqs: SQSClient;
  stop(): Promise<void>;
}

/** The SQS emulator on a free loopback port with one job queue and its dead-letter queue. */
export async function startSqsFixture(queueName: string, maxReceiveCount = 3): Promise<SqsFixture> {
  const emulator = await startSqsEmulator({ port: await freePort(), queueName, visibilityTimeoutSeconds: 30, maxReceiveCount });
  const sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
  return {
    emulator,
    sqs,
    async stop() {
      sqs.destroy();
      await emulator.stop();
    },
  };
}
