import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PROCESSING_PREFIX, UPLOADS_PREFIX } from '@hoist/shared';

export interface UploadBucketProps {
  /** The bucket's name; fixed up front so the Lambda's invoke permission can name it (see below). */
  bucketName: string;
  /** Origins allowed to PUT parts and GET renditions from a browser. */
  allowedOrigins: readonly string[];
  /** Days after which an uncompleted multipart upload is aborted and its parts deleted. */
  abortIncompleteUploadsAfterDays: number;
}

/** Days a video's private processing documents (`processing/`) are kept at most. */
export const PROCESSING_DOCUMENTS_DAYS = 15;

/**
 * The one bucket: sources under `uploads/`, outputs under `renditions/`, each video's private
 * status and manifest under `videos/`, the fleet's chunk bookkeeping under `processing/`. Private and encrypted; browsers reach it only through
 * presigned URLs, so CORS must let them PUT parts and read each part's `ETag`, and GET the
 * segments of a presigned playlist.
 */
export class UploadBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly #props: UploadBucketProps;

  constructor(scope: Construct, id: string, props: UploadBucketProps) {
    super(scope, id);
    this.#props = props;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Videos are the product: deleting the stack must never delete them (see docs/deploy.md, teardown).
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          allowedOrigins: [...props.allowedOrigins],
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          // The uploader must read each part's real ETag to complete the upload.
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads',
          prefix: UPLOADS_PREFIX,
          abortIncompleteMultipartUploadAfter: Duration.days(props.abortIncompleteUploadsAfterDays),
        },
        {
          // A finished video's processing documents are removed by the fleet; a failed one's
          // stay for a look until then. 15 days: a chunk message redriven from the dead-letter
          // queue within its 14-day retention still finds its plan.
          id: 'expire-processing-documents',
          prefix: PROCESSING_PREFIX,
          expiration: Duration.days(PROCESSING_DOCUMENTS_DAYS),
        },
      ],
    });
  }

  /**
   * Sends every `ObjectCreated` event under `uploads/` to `fn`. Written on the bucket resource
   * itself instead of `bucket.addEventNotification`, which deploys CDK's notifications custom
   * resource: a helper Lambda allowed `s3:PutBucketNotification` on every bucket (`Resource: *`).
   * S3 checks the destination when the bucket is created, so the invoke permission comes first;
   * it names the bucket by its fixed name, not by reference, which would make a cycle.
   */
  notifyOnNewSources(fn: lambda.IFunction): void {
    const permission = new lambda.CfnPermission(this, 'NewSourceInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: `arn:${Aws.PARTITION}:s3:::${this.#props.bucketName}`,
    });
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      lambdaConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          function: fn.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: UPLOADS_PREFIX }] } },
        },
      ],
    };
    cfnBucket.node.addDependency(permission);
  }
}
