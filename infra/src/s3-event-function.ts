import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface S3EventFunctionProps {
  /** `dist/s3-event-lambda.zip`, made by `npm run build:lambda`. */
  codeZipPath: string;
  jobQueue: sqs.IQueue;
}

/**
 * The S3-event Lambda (worker-fleet/src/lambda): one TranscodeJob message per new source.
 * Its role is written out by hand: sending to the job queue and writing its own log group,
 * nothing more. (Lambda's default role would attach AWSLambdaBasicExecutionRole, which allows
 * logging to any log group: `Resource: *`.)
 */
export class S3EventFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: S3EventFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Hoist S3-event Lambda: sends transcode jobs, writes its own logs',
    });
    // SendMessageBatch is authorised as sqs:SendMessage.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.jobQueue.queueArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.function = new lambda.Function(this, 'Function', {
      description: 'Hoist: S3 ObjectCreated under uploads/ -> one TranscodeJob message per new source',
      // Node 24, the LTS the fleet runs too (worker-fleet/deploy/user-data.sh; a test keeps the
      // two alike). The bundle targets Node 20 syntax, which every later runtime runs.
      runtime: lambda.Runtime.NODEJS_24_X,
      // Plain JavaScript with no native code, so the cheaper Graviton runtime serves it.
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.codeZipPath),
      role,
      logGroup: this.logGroup,
      memorySize: 256,
      timeout: Duration.seconds(30),
      // S3 invokes asynchronously: an event whose messages could not all be sent throws and is tried twice more.
      retryAttempts: 2,
      environment: { JOB_QUEUE_URL: props.jobQueue.queueUrl },
    });
  }
}
