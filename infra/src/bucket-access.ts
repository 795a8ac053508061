import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * s3:ListBucket on the bucket, but only for listings under `keyPatterns`. Besides allowing
 * those listings, it is what makes S3 answer a GET of a missing key with 404 NoSuchKey rather
 * than 403 AccessDenied: when deciding, S3 evaluates ListBucket with the requested key as
 * `s3:prefix`, so a pattern such as `renditions/*` also covers "is there a status.json yet?".
 * The fleet and the edge both read a missing status document as "none yet" only on a 404.
 */
export function listOnlyUnder(bucket: s3.IBucket, keyPatterns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [...keyPatterns] } },
  });
}

/** `actions` on the objects whose keys match `keyPatterns` (e.g. `uploads/*`), nothing else. */
export function objectAccess(bucket: s3.IBucket, actions: readonly string[], keyPatterns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...actions],
    resources: keyPatterns.map((pattern) => bucket.arnForObjects(pattern)),
  });
}
