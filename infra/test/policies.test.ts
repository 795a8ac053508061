import { afterAll, describe, expect, it } from 'vitest';
import { render, type CfnTemplate } from '../src/least-privilege.js';
import { buildHoistStack, resourcesOfType } from './stack-fixture.js';

const { template, cleanup } = buildHoistStack();
afterAll(cleanup);
const json = template.toJSON() as CfnTemplate;

interface Grant {
  actions: string[];
  resources: string[];
  condition?: unknown;
}

/** Every Allow statement of the IAM policies attached to the principal `logicalId`, resources shown as text. */
function grantsOf(logicalId: string): Grant[] {
  const grants: Grant[] = [];
  for (const policy of Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    const props = policy.Properties ?? {};
    const attached = [...((props['Roles'] as unknown[]) ?? []), ...((props['Users'] as unknown[]) ?? [])].map(render);
    if (!attached.includes(`{Ref ${logicalId}}`)) continue;
    for (const statement of (props['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement) {
      expect(statement['Effect']).toBe('Allow');
      grants.push({
        actions: [statement['Action']].flat() as string[],
        resources: [statement['Resource']].flat().map(render),
        ...(statement['Condition'] ? { condition: statement['Condition'] } : {}),
      });
    }
  }
  return grants;
}

function logicalIdOf(type: string, pathFragment: string): string {
  const ids = Object.keys(resourcesOfType(template, type)).filter((id) => id.startsWith(pathFragment));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const BUCKET = `{${logicalIdOf('AWS::S3::Bucket', 'Uploads')}.Arn}`;
const JOB_QUEUE = `{${logicalIdOf('AWS::SQS::Queue', 'JobsJobQueue')}.Arn}`;
const DEAD_LETTER_QUEUE = `{${logicalIdOf('AWS::SQS::Queue', 'JobsDeadLetterQueue')}.Arn}`;
const FLEET_ROLE = logicalIdOf('AWS::IAM::Role', 'FleetRole');

// The fixture synthesises through synthesizeHoist, which refuses any template the
// least-privilege check objects to (synth-app.test.ts shows it does); these look further.
describe('least privilege across the whole template', () => {
  it('grants nothing on Resource "*" at all: no exception is needed today', () => {
    const everyAllow = JSON.stringify(json.Resources);
    expect(everyAllow).not.toMatch(/"Resource":"\*"/);
    expect(everyAllow).not.toMatch(/"Resource":\["\*"\]/);
  });

  it('attaches no managed policy to any role or user', () => {
    for (const type of ['AWS::IAM::Role', 'AWS::IAM::User']) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect(resource.Properties?.['ManagedPolicyArns']).toBeUndefined();
      }
    }
  });

  it('has no CDK helper Lambdas (bucket notifications, auto-delete, log retention, default-SG cleanup)', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'))).toEqual([logicalIdOf('AWS::Lambda::Function', 'S3Events')]);
    expect(JSON.stringify(json.Resources)).not.toMatch(/Custom::/);
  });
});

describe('each principal gets exactly what its code calls', () => {
  it('the fleet reads sources and status documents, writes renditions and the private video documents, keeps processing documents, and consumes and feeds the job queue', () => {
    expect(grantsOf(FLEET_ROLE)).toEqual([
      { actions: ['s3:GetObject'], resources: [`${BUCKET}/uploads/*`] },
      { actions: ['s3:PutObject'], resources: [`${BUCKET}/renditions/*`, `${BUCKET}/videos/*`] },
      { actions: ['s3:GetObject'], resources: [`${BUCKET}/videos/*/status.json`] },
      { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${BUCKET}/processing/*`] },
      {
        actions: ['s3:ListBucket'],
        resources: [BUCKET],
        condition: { StringLike: { 's3:prefix': ['videos/*/status.json', 'processing/*'] } },
      },
      {
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:SendMessage'],
        resources: [JOB_QUEUE],
      },
    ]);
  });

  it('the fleet may delete objects under processing/ only, never a source or a rendition', () => {
    const deletes = grantsOf(FLEET_ROLE).filter((grant) => grant.actions.includes('s3:DeleteObject'));
    expect(deletes.flatMap((grant) => grant.resources)).toEqual([`${BUCKET}/processing/*`]);
  });

  it('the fleet lists processing/ and status keys only by prefix, never the whole bucket', () => {
    const listings = grantsOf(FLEET_ROLE).filter((grant) => grant.actions.includes('s3:ListBucket'));
    expect(listings).toHaveLength(1);
    expect(listings[0]!.actions).toEqual(['s3:ListBucket']);
    expect(listings[0]!.condition).toEqual({ StringLike: { 's3:prefix': ['videos/*/status.json', 'processing/*'] } });
  });

  it('the fleet sends messages to the job queue only, never to the dead-letter queue', () => {
    const sends = grantsOf(FLEET_ROLE).filter((grant) => grant.actions.some((action) => action.startsWith('sqs:')));
    expect(sends.flatMap((grant) => grant.resources)).toEqual([JOB_QUEUE]);
    expect(JSON.stringify(grantsOf(FLEET_ROLE))).not.toContain(DEAD_LETTER_QUEUE);
  });

  it('nobody but the fleet is granted anything under processing/', () => {
    for (const principal of [logicalIdOf('AWS::IAM::User', 'EdgeSignerUser'), logicalIdOf('AWS::IAM::Role', 'S3EventsRole')]) {
      const grants = grantsOf(principal);
      expect(grants.length).toBeGreaterThan(0);
      expect(JSON.stringify(grants)).not.toContain('processing');
    }
  });

  it('the S3-event Lambda only sends to the job queue and writes its own log group', () => {
    expect(grantsOf(logicalIdOf('AWS::IAM::Role', 'S3EventsRole'))).toEqual([
      { actions: ['sqs:SendMessage'], resources: [JOB_QUEUE] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`{${logicalIdOf('AWS::Logs::LogGroup', 'S3EventsLogs')}.Arn}`] },
    ]);
  });

  it('the edge signs multipart calls on uploads/, reads renditions/ and the status documents', () => {
    expect(grantsOf(logicalIdOf('AWS::IAM::User', 'EdgeSignerUser'))).toEqual([
      {
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject', 's3:DeleteObject'],
        resources: [`${BUCKET}/uploads/*`],
      },
      { actions: ['s3:GetObject'], resources: [`${BUCKET}/renditions/*`, `${BUCKET}/videos/*/status.json`] },
      { actions: ['s3:ListBucket'], resources: [BUCKET], condition: { StringLike: { 's3:prefix': ['uploads/*', 'renditions/*', 'videos/*/status.json'] } } },
    ]);
  });

  it('only S3, from this bucket in this account, may invoke the Lambda', () => {
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(1);
    const props = permissions[0]!.Properties!;
    expect(props['Principal']).toBe('s3.amazonaws.com');
    expect(render(props['SourceAccount'])).toBe('<AccountId>');
    expect(render(props['SourceArn'])).toBe('arn:<Partition>:s3:::hoist-<AccountId>-<Region>');
  });
});
