import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { listOnlyUnder, objectAccess } from './bucket-access.js';
import { KEY_PATTERNS } from './key-patterns.js';

export interface FleetRoleProps {
  bucket: s3.IBucket;
  jobQueue: sqs.IQueue;
}

/**
 * The fleet instances' role: exactly the calls worker-fleet/src makes.
 * - GetObject on uploads/*: download the source (storage/s3-store.ts `download`).
 * - PutObject on renditions/*: segments, playlists, poster, status and manifest.
 * - GetObject on renditions/<id>/status.json: a duplicate job for a video already ready
 *   from the same source is acknowledged without encoding (run-transcode-job.ts), and
 *   ListBucket limited to those keys, so a first job sees 404 ("no status yet"), not 403.
 * - ReceiveMessage, ChangeMessageVisibility (heartbeat, release, backoff) and DeleteMessage
 *   on the job queue (fleet/consumer.ts); nothing reads queue attributes.
 */
export class FleetRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FleetRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Hoist fleet: read sources, write renditions, consume the job queue',
    });
    const statements = [
      objectAccess(props.bucket, ['s3:GetObject'], [KEY_PATTERNS.sources]),
      objectAccess(props.bucket, ['s3:PutObject'], [KEY_PATTERNS.outputs]),
      objectAccess(props.bucket, ['s3:GetObject'], [KEY_PATTERNS.statusDocuments]),
      listOnlyUnder(props.bucket, [KEY_PATTERNS.statusDocuments]),
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
        resources: [props.jobQueue.queueArn],
      }),
    ];
    for (const statement of statements) this.role.addToPolicy(statement);
  }
}
