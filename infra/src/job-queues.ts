import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface JobQueuesProps {
  /** The fleet's VISIBILITY_TIMEOUT_SECONDS, which its heartbeat renews at a third of. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

/**
 * The job queue and its dead-letter queue. The queue carries both kinds of message of
 * shared/src/chunk-plan.ts `QueueMessage`: a new source's transcode job (from the S3-event
 * Lambda) and one unit of a planned source (from the fleet itself), under one redrive policy.
 */
export class JobQueues extends Construct {
  readonly jobQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobQueuesProps) {
    super(scope, id);
    // A message keeps its first enqueue time when it moves, so the dead-letter queue keeps
    // messages as long as SQS allows, leaving time to look and redrive.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.jobQueue = new sqs.Queue(this, 'JobQueue', {
      // The fleet asks for the same timeout on every receive; the queue's own default matches it
      // so a receive from anywhere else (a console peek, a script) hides a job just as long.
      visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      // Long polling is the fleet's pattern; the queue default matches the fleet's wait.
      receiveMessageWaitTime: Duration.seconds(20),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
