import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { readFleetConfig } from '../../worker-fleet/src/fleet/config.js';
import { FLEET_USER_DATA_PATH } from '../src/fleet-user-data.js';
import { FLEET_IMAGE_PARAMETER } from '../src/transcode-fleet.js';
import { buildHoistStack, resourcesOfType } from './stack-fixture.js';

const fleetDefaults = readFleetConfig({ JOB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/0/q', S3_BUCKET: 'bucket' });
const built = buildHoistStack({ allowedOrigins: 'https://app.example.com, https://admin.example.com' });
const { template } = built;
afterAll(built.cleanup);

/** The launch template's user data as text, references shown as `{Ref X}`. */
function userDataText(): string {
  const [launchTemplate] = Object.values(resourcesOfType(template, 'AWS::EC2::LaunchTemplate'));
  const data = (launchTemplate!.Properties!['LaunchTemplateData'] as { UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } } }).UserData;
  return data['Fn::Base64']['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `{Ref ${(part as { Ref: string }).Ref}}`)).join('');
}

describe('the Hoist stack', () => {
  it('holds exactly these resources', () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(template.toJSON()['Resources'] as Record<string, { Type: string }>)) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::SQS::Queue': 2,
      'AWS::SQS::QueuePolicy': 2,
      'AWS::IAM::Role': 2,
      'AWS::IAM::Policy': 3,
      'AWS::IAM::User': 1,
      'AWS::IAM::InstanceProfile': 1,
      'AWS::EC2::VPC': 1,
      'AWS::EC2::Subnet': 2,
      'AWS::EC2::RouteTable': 2,
      'AWS::EC2::SubnetRouteTableAssociation': 2,
      'AWS::EC2::Route': 2,
      'AWS::EC2::InternetGateway': 1,
      'AWS::EC2::VPCGatewayAttachment': 1,
      'AWS::EC2::SecurityGroup': 1,
      'AWS::EC2::LaunchTemplate': 1,
      'AWS::AutoScaling::AutoScalingGroup': 1,
      'AWS::AutoScaling::ScalingPolicy': 1,
      'AWS::CloudWatch::Alarm': 3,
      'AWS::SNS::Topic': 1,
    });
  });

  it('keeps the bucket private and encrypted, refuses plain HTTP, and keeps it when the stack goes', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  it('lets the configured origins PUT parts and read their ETag, and GET renditions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            ExposedHeaders: ['ETag'],
          }),
        ],
      },
    });
  });

  it('aborts multipart uploads left incomplete a day after their upload token expires, and expires processing documents a failed video left', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'abort-incomplete-uploads', Prefix: 'uploads/', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 8 } },
          { Id: 'expire-processing-documents', Prefix: 'processing/', Status: 'Enabled', ExpirationInDays: 15 },
        ],
      },
    });
  });

  it('sends ObjectCreated events under uploads/ only to the S3-event Lambda, once it may be invoked', () => {
    const [functionId] = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));
    const [permissionId] = Object.keys(resourcesOfType(template, 'AWS::Lambda::Permission'));
    template.hasResource('AWS::S3::Bucket', {
      DependsOn: [permissionId],
      Properties: Match.objectLike({
        NotificationConfiguration: {
          LambdaConfigurations: [
            {
              Event: 's3:ObjectCreated:*',
              Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'uploads/' }] } },
              Function: { 'Fn::GetAtt': [functionId, 'Arn'] },
            },
          ],
        },
      }),
    });
  });

  it('runs the bundled handler with the job queue URL', () => {
    const [queueId] = Object.keys(resourcesOfType(template, 'AWS::SQS::Queue')).filter((id) => id.startsWith('JobsJobQueue'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
      Environment: { Variables: { JOB_QUEUE_URL: { Ref: queueId } } },
    });
  });

  it("hides a job for the fleet heartbeat's visibility timeout and dead-letters it after five receives", () => {
    const [dlqId] = Object.keys(resourcesOfType(template, 'AWS::SQS::Queue')).filter((id) => id.startsWith('JobsDeadLetterQueue'));
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: fleetDefaults.VISIBILITY_TIMEOUT_SECONDS,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400 });
  });

  it('starts instances with worker-fleet/deploy/user-data.sh, given the same settings as the queue', () => {
    const text = userDataText();
    const script = readFileSync(FLEET_USER_DATA_PATH, 'utf8');
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(text).toContain(script.slice(script.indexOf('\n') + 1));
    expect(text).toContain("export HOIST_RELEASE_URL='{Ref ReleaseUrl}'");
    expect(text).toContain("export HOIST_RELEASE_SHA256='{Ref ReleaseSha256}'");
    // The download is checked against that SHA-256 before anything is unpacked.
    const check = text.indexOf('sha256sum --check');
    expect(check).toBeGreaterThan(text.indexOf('curl -fsSL "$HOIST_RELEASE_URL"'));
    expect(check).toBeLessThan(text.indexOf('tar -xzf'));
    const parameters = template.toJSON()['Parameters'] as Record<string, { AllowedPattern?: string }>;
    expect(parameters['ReleaseSha256']?.AllowedPattern).toBe('^[0-9a-f]{64}$');
    expect(text).toMatch(/export JOB_QUEUE_URL='\{Ref JobsJobQueue[^}]+\}'/);
    expect(text).toMatch(/export S3_BUCKET='\{Ref UploadsBucket[^}]+\}'/);
    expect(text).toContain("export AWS_REGION='{Ref AWS::Region}'");
    expect(text).toContain(`export VISIBILITY_TIMEOUT_SECONDS='${fleetDefaults.VISIBILITY_TIMEOUT_SECONDS}'`);
    // DRAIN_SECONDS is no deployment choice: the fleet's own default applies.
    expect(text).not.toContain('export DRAIN_SECONDS');
    expect(text).toContain(`export JOB_CONCURRENCY='${fleetDefaults.JOB_CONCURRENCY}'`);
  });

  it('runs the fleet on the same maintained Node LTS as the Lambda: user-data installs Node 24 and refuses any other', () => {
    const text = userDataText();
    const major = /^NODE_MAJOR=(\d+)$/m.exec(text)?.[1];
    const [lambdaFunction] = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(lambdaFunction!.Properties!['Runtime']).toBe(`nodejs${major}.x`);
    expect(major).toBe('24');
    // Debian (what the launch template boots): its own nodejs is older, so NodeSource's repository for that major.
    expect(text).toContain('https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main');
    // The version the unit will run is checked before anything else is installed.
    const check = text.indexOf('/usr/bin/node -e');
    expect(check).toBeGreaterThan(text.indexOf('apt-get install -y nodejs'));
    expect(check).toBeLessThan(text.indexOf('apt-get install -y --no-install-recommends ffmpeg'));
    expect(check).toBeLessThan(text.indexOf('curl -fsSL "$HOIST_RELEASE_URL"'));
    expect(text).not.toMatch(/nodejs20|node-20/);
    const unit = readFileSync(new URL('../../worker-fleet/deploy/hoist-fleet.service', import.meta.url), 'utf8');
    // The compiled release, with no TypeScript loader.
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node fleet\/main\.mjs$/m);
  });

  it("boots Debian 13 and runs Debian's maintained ffmpeg, in production mode, never the npm build", () => {
    // Amazon Linux 2023 has no ffmpeg package: the image is Debian's, resolved at deploy time.
    const parameters = template.toJSON()['Parameters'] as Record<string, { Type: string; Default?: string }>;
    const [imageParameter] = Object.entries(parameters).filter(([, p]) => p.Default === FLEET_IMAGE_PARAMETER);
    expect(FLEET_IMAGE_PARAMETER).toBe('/aws/service/debian/release/13/latest/amd64');
    expect(imageParameter?.[1].Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: { Ref: imageParameter?.[0] } }),
    });
    const text = userDataText();
    // A system without apt-get (no maintained ffmpeg package) stops before installing anything.
    expect(text.indexOf('command -v apt-get')).toBeLessThan(text.indexOf('apt-get update'));
    expect(text).not.toMatch(/\bdnf\b/);
    expect(text).toContain('apt-get install -y --no-install-recommends ffmpeg unattended-upgrades');
    expect(text).toContain('FFMPEG_PATH=${FFMPEG_PATH}\nFFPROBE_PATH=${FFPROBE_PATH}\n');
    expect(text).toMatch(/^FFMPEG_PATH=\/usr\/bin\/ffmpeg$/m);
    expect(text).toMatch(/^FFPROBE_PATH=\/usr\/bin\/ffprobe$/m);
    // The unit runs the fleet in production mode, where it refuses an ffmpeg older than FFMPEG_MIN_VERSION.
    const unit = readFileSync(new URL('../../worker-fleet/deploy/hoist-fleet.service', import.meta.url), 'utf8');
    expect(unit).toMatch(/^Environment=.*\bNODE_ENV=production\b/m);
    expect(unit).not.toMatch(/FFMPEG_PATH|FFPROBE_PATH/);
  });

  it('requires IMDSv2 with a hop limit of 1, encrypts the scratch volume and opens no inbound port', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 100, VolumeType: 'gp3', DeleteOnTermination: true } }],
      }),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  it('lets instances out on HTTPS and HTTP only, and gives them a public IP only in public subnets', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
      ],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('"IpProtocol":"-1"');
    const launchData = (t: typeof template) =>
      (Object.values(resourcesOfType(t, 'AWS::EC2::LaunchTemplate'))[0]!.Properties!['LaunchTemplateData'] as { NetworkInterfaces?: Array<{ AssociatePublicIpAddress?: boolean }> });
    expect(launchData(template).NetworkInterfaces?.[0]?.AssociatePublicIpAddress).toBe(true);
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::NatGateway'))).toHaveLength(0);

    const privately = buildHoistStack({ allowedOrigins: 'https://app.example.com', privateSubnets: 'true' });
    try {
      expect(launchData(privately.template).NetworkInterfaces?.[0]?.AssociatePublicIpAddress ?? false).toBe(false);
      expect(Object.keys(resourcesOfType(privately.template, 'AWS::EC2::NatGateway'))).toHaveLength(1);
      privately.template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
      const [group] = Object.values(resourcesOfType(privately.template, 'AWS::AutoScaling::AutoScalingGroup'));
      const subnets = JSON.stringify(group!.Properties!['VPCZoneIdentifier']);
      expect(subnets).toMatch(/fleetSubnet/);
      expect(subnets).not.toMatch(/natSubnet/);
    } finally {
      privately.cleanup();
    }
  });

  it("tells the fleet the queue's maxReceiveCount, and runs it bounded and sandboxed with its scratch folder in its private /var/tmp", () => {
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });
    expect(userDataText()).toContain("export MAX_RECEIVE_COUNT='5'");
    const unit = readFileSync(new URL('../../worker-fleet/deploy/hoist-fleet.service', import.meta.url), 'utf8');
    for (const line of ['PrivateTmp=true', 'ProtectSystem=strict', 'ProtectHome=true', 'PrivateDevices=true', 'NoNewPrivileges=true', 'OOMPolicy=continue', 'SystemCallFilter=@system-service', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX']) {
      expect(unit).toContain(`\n${line}\n`);
    }
    expect(unit).toMatch(/^MemoryMax=\d+%$/m);
    // The drain (fleet-process.test.ts runs it under these semantics): SIGTERM to the fleet alone,
    // with time past DRAIN_SECONDS (60 by default) before the whole group gets SIGKILL.
    expect(unit).toContain('\nKillMode=mixed\n');
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(60);
    expect(unit).toMatch(/^Environment=.*\bTEMP_DIR=\/var\/tmp\/hoist\b/m);
    // Under ProtectSystem=strict, a path outside the private /var/tmp would be read-only: there is none.
    expect(unit).not.toMatch(/^(ReadWritePaths|RuntimeDirectory)=/m);
    expect(userDataText()).toContain(`CPUQuota=%s%%\\n' "$(( $(nproc) * 90 ))" > /etc/systemd/system/hoist-fleet.service.d/cpu.conf`);
  });

  it('scales the fleet to keep jobs per in-service instance at JOB_CONCURRENCY', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '4',
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances'] }],
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        TargetValue: fleetDefaults.JOB_CONCURRENCY,
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({ Id: 'waiting', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }) }) }),
            Match.objectLike({ Id: 'in_flight', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesNotVisible' }) }) }),
            Match.objectLike({ Id: 'in_service', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances' }) }) }),
            { Id: 'backlog_per_instance', Label: Match.anyValue(), Expression: '(waiting + in_flight) / in_service', ReturnData: true },
          ],
        },
      },
    });
  });

  it('alarms the topic on a dead letter, a job waiting an hour and Lambda errors', () => {
    const idOf = (type: string, prefix: string) => Object.keys(resourcesOfType(template, type)).find((id) => id.startsWith(prefix));
    const [topicId] = Object.keys(resourcesOfType(template, 'AWS::SNS::Topic'));
    const queueName = (prefix: string) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', prefix), 'QueueName'] } }];
    const alarmed = { AlarmActions: [{ Ref: topicId }], ComparisonOperator: 'GreaterThanOrEqualToThreshold' };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmed,
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: queueName('JobsDeadLetterQueue'),
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmed,
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: queueName('JobsJobQueue'),
      Threshold: 3600,
      EvaluationPeriods: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmed,
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf('AWS::Lambda::Function', 'S3Events') } }],
      Threshold: 1,
    });
  });

  it('outputs exactly what docs/deploy.md lists', () => {
    expect(Object.keys(template.toJSON()['Outputs'] as object).sort()).toEqual(
      [
        'AlarmTopicArn',
        'BucketName',
        'BucketUrl',
        'DeadLetterQueueArn',
        'DeadLetterQueueUrl',
        'EdgeSignerUserName',
        'FleetGroupName',
        'JobQueueArn',
        'JobQueueUrl',
        'Region',
        'S3EventFunctionName',
        'S3EventLogGroup',
      ],
    );
  });
});

describe('deployment choices', () => {
  it('opens SSH from one network and sets the key pair only when both are given', () => {
    const { template: withSsh, cleanup } = buildHoistStack({ sshKeyName: 'ops', sshCidr: '203.0.113.0/24' });
    try {
      withSsh.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 22, ToPort: 22 })],
      });
      withSsh.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ KeyName: 'ops' }) });
    } finally {
      cleanup();
    }
  });

  it('carries an overridden visibility timeout to the queue and the instances alike', () => {
    const { template: custom, cleanup } = buildHoistStack({ visibilityTimeoutSeconds: '300', jobConcurrency: '2', stackName: 'HoistDev' });
    try {
      custom.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300 });
      const [launchTemplate] = Object.values(resourcesOfType(custom, 'AWS::EC2::LaunchTemplate'));
      const text = JSON.stringify(launchTemplate);
      expect(text).toContain("export VISIBILITY_TIMEOUT_SECONDS='300'");
      expect(text).toContain("export JOB_CONCURRENCY='2'");
      custom.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { TargetTrackingConfiguration: Match.objectLike({ TargetValue: 2 }) });
      custom.hasResourceProperties('AWS::S3::Bucket', { BucketName: { 'Fn::Join': ['', ['hoistdev-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] } });
    } finally {
      cleanup();
    }
  });

  it.each([
    [{ minInstances: '0' }, 'minInstances: minInstances must be at least 1'],
    [{ minInstances: '5', maxInstances: '2' }, 'maxInstances: maxInstances must be at least minInstances'],
    [{ allowedOrigins: 'app.example.com' }, 'allowedOrigins'],
    [{ sshKeyName: 'ops' }, 'sshCidr: set sshKeyName and sshCidr together'],
    [{ stackName: 'hoist_prod' }, 'stackName'],
    [{ instanceType: 'c7g.xlarge' }, 'instanceType: instanceType must be x86-64'],
    [{ instanceType: 'xlarge' }, 'instanceType: instanceType must be an EC2 instance type such as c7i.xlarge (got "xlarge")'],
    [{ sshKeyName: 'ops', sshCidr: '203.0.113.0/33' }, 'sshCidr: sshCidr must be an IPv4 CIDR'],
    [{ alarmEmail: 'ops-at-example.com' }, 'alarmEmail: alarmEmail must be an email address'],
    [{ maxInstance: '10' }, 'maxInstance: not a setting'],
  ])('refuses %o, naming the setting', (context, message) => {
    expect(() => buildHoistStack(context as Record<string, string>)).toThrow(message);
  });
});
