import { buildApp } from 'fauxqs';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface SqsEmulatorOptions {
  port: number;
  queueName: string;
  /** Seconds a received message stays hidden; the fleet extends it while a job runs. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface SqsEmulator {
  endpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  stop(): Promise<void>;
}

/** Local credentials; fauxqs accepts any, the SDK insists on some. */
export const SQS_EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Starts fauxqs on loopback (its own `startFauxqs` binds every interface, so the app is
 * built and bound here), then creates the job queue and its dead-letter queue through the
 * real SQS API, with the redrive policy a deployment would have.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions): Promise<SqsEmulator> {
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
  try {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${options.queueName}-dlq` }));
    const dlqAttributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: options.queueName,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds),
          ReceiveMessageWaitTimeSeconds: '20',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqAttributes.Attributes?.['QueueArn'],
            maxReceiveCount: options.maxReceiveCount,
          }),
        },
      }),
    );
    return {
      endpoint,
      queueUrl: queue.QueueUrl!,
      deadLetterQueueUrl: dlq.QueueUrl!,
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    sqs.destroy();
  }
}
