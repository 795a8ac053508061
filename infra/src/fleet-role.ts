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
 * - GetObject on uploads/*: read the source, by ranged GETs, both its own and those ffmpeg
 *   makes through presigned GET URLs the instance signs with these same credentials (a
 *   presigned URL carries its signer's permissions, so it needs no grant of its own).
 * - PutObject on renditions/*: segments, playlists, poster, status and manifest.
 * - GetObject on renditions/<id>/status.json: a duplicate job for a video already ready
 *   from the same source is acknowledged without encoding (run-transcode-job.ts).
 * - GetObject, PutObject and DeleteObject on processing/*: a chunked source's plan, unit
 *   records and finalize claim. Their conditional writes (If-None-Match for the first plan,
 *   record or claim; If-Match to take over a claim) are plain PutObject to IAM, so create-once
 *   needs no further action; DeleteObject clears the documents once they have served.
 * - ListBucket limited to those status keys and to processing/: the fleet lists a source's
 *   units/ to see whether every chunk is done, and a first job sees 404 for a status, plan or
 *   record not written yet ("none yet"), not 403.
 * - ReceiveMessage, ChangeMessageVisibility (heartbeat, release, backoff) and DeleteMessage
 *   on the job queue (fleet/consumer.ts); SendMessage on the same queue, where the fleet
 *   enqueues a planned source's chunk messages (SendMessageBatch is authorised as
 *   sqs:SendMessage). Nothing reads queue attributes, and no other queue is named.
 */
export class FleetRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FleetRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Hoist fleet: read sources, write renditions and processing documents, consume and feed the job queue',
    });
    const statements = [
      objectAccess(props.bucket, ['s3:GetObject'], [KEY_PATTERNS.sources]),
      objectAccess(props.bucket, ['s3:PutObject'], [KEY_PATTERNS.outputs, KEY_PATTERNS.videoDocuments]),
      objectAccess(props.bucket, ['s3:GetObject'], [KEY_PATTERNS.statusDocuments]),
      objectAccess(props.bucket, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [KEY_PATTERNS.processing]),
      listOnlyUnder(props.bucket, [KEY_PATTERNS.statusDocuments, KEY_PATTERNS.processing]),
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:SendMessage'],
        resources: [props.jobQueue.queueArn],
      }),
    ];
    for (const statement of statements) this.role.addToPolicy(statement);
  }
}
