import { Aws, CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HoistAlarms } from './alarms.js';
import { EdgeSigner } from './edge-signer.js';
import { JobQueues } from './job-queues.js';
import { S3EventFunction } from './s3-event-function.js';
import type { HoistSettings } from './settings.js';
import { TranscodeFleet } from './transcode-fleet.js';
import { UploadBucket } from './upload-bucket.js';

export interface HoistStackProps extends StackProps {
  settings: HoistSettings;
  /** The bundled S3-event Lambda (`npm run build:lambda`). */
  lambdaZipPath: string;
}

/**
 * Everything Hoist needs in AWS, in one environment-agnostic stack: the bucket, the S3-event
 * Lambda, the job queues, the fleet, the edge's signing user and the alarms. Account and
 * region come from where it is deployed, so it synthesises offline.
 */
export class HoistStack extends Stack {
  readonly uploads: UploadBucket;
  readonly queues: JobQueues;
  readonly s3Events: S3EventFunction;
  readonly fleet: TranscodeFleet;
  readonly edgeSigner: EdgeSigner;
  readonly alarms: HoistAlarms;

  constructor(scope: Construct, id: string, props: HoistStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const releaseUrl = new CfnParameter(this, 'ReleaseUrl', {
      type: 'String',
      description: 'HTTPS URL of the release tarball (the repository with node_modules) that fleet instances install',
      allowedPattern: "^https://[^'\\s]+$",
      constraintDescription: 'must be an https:// URL without quotes or spaces',
    });
    const releaseSha256 = new CfnParameter(this, 'ReleaseSha256', {
      type: 'String',
      description: 'SHA-256 of the release tarball, hex (dist/hoist-fleet.tar.gz.sha256 from npm run build:release): instances refuse any other',
      allowedPattern: '^[0-9a-f]{64}$',
      constraintDescription: 'must be 64 lower-case hex digits',
    });

    this.uploads = new UploadBucket(this, 'Uploads', {
      // Bucket names are global: the account and region keep this one unique.
      bucketName: `${settings.stackName.toLowerCase()}-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      allowedOrigins: settings.allowedOrigins,
      abortIncompleteUploadsAfterDays: settings.abortIncompleteUploadsAfterDays,
    });
    const bucket = this.uploads.bucket;
    this.queues = new JobQueues(this, 'Jobs', {
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      maxReceiveCount: settings.maxReceiveCount,
    });
    this.s3Events = new S3EventFunction(this, 'S3Events', { codeZipPath: props.lambdaZipPath, jobQueue: this.queues.jobQueue });
    this.uploads.notifyOnNewSources(this.s3Events.function);
    this.fleet = new TranscodeFleet(this, 'Fleet', {
      bucket,
      jobQueue: this.queues.jobQueue,
      releaseUrl: releaseUrl.valueAsString,
      releaseSha256: releaseSha256.valueAsString,
      settings,
    });
    this.edgeSigner = new EdgeSigner(this, 'EdgeSigner', { bucket });
    this.alarms = new HoistAlarms(this, 'Alarms', {
      jobQueue: this.queues.jobQueue,
      deadLetterQueue: this.queues.deadLetterQueue,
      s3EventFunction: this.s3Events.function,
      alarmEmail: settings.alarmEmail,
    });

    const outputs: Record<string, { value: string; description: string }> = {
      BucketName: { value: bucket.bucketName, description: 'The bucket' },
      BucketUrl: {
        value: `https://${bucket.bucketRegionalDomainName}`,
        description: 'S3_BUCKET_URL for the edge (wrangler.toml)',
      },
      Region: { value: Aws.REGION, description: 'AWS_REGION for the edge (wrangler.toml)' },
      EdgeSignerUserName: {
        value: this.edgeSigner.user.userName,
        description: 'IAM user to create the edge access key for (aws iam create-access-key)',
      },
      JobQueueUrl: { value: this.queues.jobQueue.queueUrl, description: 'The transcode job queue' },
      JobQueueArn: { value: this.queues.jobQueue.queueArn, description: 'Redrive destination' },
      DeadLetterQueueUrl: { value: this.queues.deadLetterQueue.queueUrl, description: 'Jobs that failed every receive' },
      DeadLetterQueueArn: { value: this.queues.deadLetterQueue.queueArn, description: 'Redrive source' },
      FleetGroupName: { value: this.fleet.group.autoScalingGroupName, description: 'The fleet autoscaling group' },
      S3EventFunctionName: { value: this.s3Events.function.functionName, description: 'The S3-event Lambda' },
      S3EventLogGroup: { value: this.s3Events.logGroup.logGroupName, description: 'The S3-event Lambda logs' },
      AlarmTopicArn: { value: this.alarms.topic.topicArn, description: 'Subscribe on-call here' },
    };
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }
}
