import { describe, expect, it } from 'vitest';
import { findLeastPrivilegeViolations, type CfnTemplate } from '../src/least-privilege.js';

const bucketArn = { 'Fn::GetAtt': ['Bucket', 'Arn'] };
const objects = (pattern: string) => ({ 'Fn::Join': ['', [bucketArn, `/${pattern}`]] });

/** A template holding one resource, `Subject`, of type `type`. */
function templateWith(type: string, properties: Record<string, unknown>): CfnTemplate {
  return { Resources: { Subject: { Type: type, Properties: properties } } };
}

/** A template holding one identity policy with the given statements. */
const policyWith = (...statements: unknown[]) => templateWith('AWS::IAM::Policy', { PolicyDocument: { Version: '2012-10-17', Statement: statements } });

describe('findLeastPrivilegeViolations', () => {
  it('accepts named actions on a prefix of a bucket, a whole queue, and a conditioned ListBucket', () => {
    const template = policyWith(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: objects('uploads/*') },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('renditions/*/status.json') },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects('processing/*') },
      { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['uploads/*'] } } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['renditions/*/status.json', 'processing/*'] } } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringEquals: { 's3:prefix': 'processing/' } } },
    );
    expect(findLeastPrivilegeViolations(template)).toEqual([]);
  });

  it.each([
    ['no condition at all', undefined, 'without an s3:prefix condition'],
    ['a condition on another key', { StringLike: { 's3:delimiter': '/' } }, 'without an s3:prefix condition'],
    ['a condition that does not limit the prefix', { StringNotLike: { 's3:prefix': ['processing/*'] } }, 'without an s3:prefix condition'],
    ['a prefix that is only a wildcard', { StringLike: { 's3:prefix': ['*'] } }, 'under \\* lists every key'],
    ['one wide prefix among narrow ones', { StringLike: { 's3:prefix': ['processing/*', '/*'] } }, 'under /\\* lists every key'],
    ['the empty prefix', { StringEquals: { 's3:prefix': '' } }, 'under  lists every key'],
  ])('reports s3:ListBucket with %s, which lists every key in the bucket', (_, condition, problem) => {
    const statement = { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, ...(condition ? { Condition: condition } : {}) };
    expect(findLeastPrivilegeViolations(policyWith(statement))).toEqual([expect.stringMatching(new RegExp(`statement 1: s3:ListBucket ${problem}`))]);
  });

  it.each([
    ['every action', '*'],
    ['a service wildcard', 's3:*'],
    ['a partial wildcard', 's3:Get*'],
    ['a single-character wildcard', 's3:GetObjec?'],
  ])('reports %s', (_, action) => {
    const violations = findLeastPrivilegeViolations(policyWith({ Effect: 'Allow', Action: action, Resource: objects('uploads/*') }));
    expect(violations).toEqual([expect.stringContaining(`wildcard action ${action}`)]);
  });

  it('reports Resource "*" unless the action has no resource-level permission', () => {
    expect(findLeastPrivilegeViolations(policyWith({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }))).toEqual([
      expect.stringContaining('Resource "*" for sqs:SendMessage'),
    ]);
    expect(findLeastPrivilegeViolations(policyWith({ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' }))).toEqual([]);
    // One excused action does not excuse the others in its statement.
    expect(
      findLeastPrivilegeViolations(policyWith({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 's3:GetObject'], Resource: '*' })),
    ).toEqual([expect.stringContaining('Resource "*" for s3:GetObject')]);
  });

  it.each([
    ['every object in a bucket', objects('*'), 'covers every object'],
    ['every object in a bucket, one character at a time', objects('?*'), 'covers every object'],
    ['every bucket', 'arn:aws:s3:::*', 'in the resource name itself'],
    ['every queue in an account', 'arn:aws:sqs:us-east-1:123456789012:*', 'in the resource name itself'],
    ['every bucket, through pseudo parameters', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' }, 'in the resource name itself'],
    ['a whole literal bucket', 'arn:aws:s3:::videos/*', 'covers every object'],
    ['anything, written as a bare wildcard pattern', 'arn:*', 'outside any concrete resource'],
  ])('reports a wildcard over %s', (_, resource, problem) => {
    expect(findLeastPrivilegeViolations(policyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }))).toEqual([
      expect.stringMatching(new RegExp(`^Subject \\(AWS::IAM::Policy\\) statement 1: resource .* ${problem}`)),
    ]);
  });

  it('accepts a literal ARN with a prefix before its wildcard', () => {
    const template = policyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::videos/renditions/*' });
    expect(findLeastPrivilegeViolations(template)).toEqual([]);
  });

  it('reports NotAction and NotResource in an Allow', () => {
    const violations = findLeastPrivilegeViolations(
      policyWith({ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: objects('uploads/*') }, { Effect: 'Allow', Action: 's3:GetObject', NotResource: objects('x/*') }),
    );
    expect(violations.join('\n')).toMatch(/NotAction/);
    expect(violations.join('\n')).toMatch(/NotResource/);
  });

  it('lets Deny statements use wildcards: they only take away', () => {
    const template = templateWith('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [bucketArn, objects('*')], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      },
    });
    expect(findLeastPrivilegeViolations(template)).toEqual([]);
  });

  it('reports a resource policy that allows everyone', () => {
    const template = templateWith('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
    });
    expect(findLeastPrivilegeViolations(template)).toEqual([expect.stringContaining('every principal')]);
  });

  it('reports managed policies, which the template cannot show to be narrow', () => {
    const template = templateWith('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] }],
    });
    expect(findLeastPrivilegeViolations(template)).toEqual([expect.stringContaining('managed policies')]);
  });

  it('reports a role anyone may assume', () => {
    const template = templateWith('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }] },
    });
    expect(findLeastPrivilegeViolations(template)).toEqual([expect.stringContaining('other than an AWS service')]);
  });

  it('reports a service permission to invoke a Lambda that does not name its source', () => {
    const template = templateWith('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', FunctionName: 'f', Principal: 's3.amazonaws.com' });
    expect(findLeastPrivilegeViolations(template)).toEqual([expect.stringContaining('SourceArn and SourceAccount')]);
  });

  it('reports policies on resource types it does not know, rather than passing them unchecked', () => {
    const template = templateWith('AWS::KMS::Key', { KeyPolicy: { Statement: [] } });
    expect(findLeastPrivilegeViolations(template)).toEqual([expect.stringContaining('KeyPolicy')]);
  });
});
