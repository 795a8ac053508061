import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { KEY_PATTERNS } from './key-patterns.js';
import { listOnlyUnder, objectAccess } from './bucket-access.js';

export interface EdgeSignerProps {
  bucket: s3.IBucket;
}

/**
 * The IAM user whose access key the edge Worker signs with (Workers cannot assume a role).
 * Its key is made by the deployer (`aws iam create-access-key`) and goes straight into
 * `wrangler secret put`, so no secret ever sits in a CloudFormation template or output.
 *
 * What each grant is for (edge/src/s3/ and the URLs it presigns):
 * - uploads/*: CreateMultipartUpload, UploadPart, CompleteMultipartUpload and single-part
 *   PutObject (all s3:PutObject); ListParts (s3:ListMultipartUploadParts) for resume;
 *   AbortMultipartUpload; HeadObject after completing (s3:GetObject) to check the stored size;
 *   DeleteObject when that size is wrong.
 * - renditions/*: GetObject of the playlists, and presigned segment GETs for private playback.
 * - videos/<videoId>/status.json: GetObject for videos.status (the manifest beside it is the fleet's).
 * - ListBucket under those: videos.status asks whether a source exists under
 *   uploads/<owner>/<videoId>/, and a missing status.json must read as 404, not 403.
 */
export class EdgeSigner extends Construct {
  readonly user: iam.User;

  constructor(scope: Construct, id: string, props: EdgeSignerProps) {
    super(scope, id);
    this.user = new iam.User(this, 'User');
    const { sources, outputs, statusDocuments } = KEY_PATTERNS;
    new iam.Policy(this, 'Policy', {
      users: [this.user],
      statements: [
        objectAccess(
          props.bucket,
          ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject', 's3:DeleteObject'],
          [sources],
        ),
        objectAccess(props.bucket, ['s3:GetObject'], [outputs, statusDocuments]),
        listOnlyUnder(props.bucket, [sources, outputs, statusDocuments]),
      ],
    });
  }
}
