import { Aws } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BacklogScaling } from './backlog-scaling.js';
import { FleetRole } from './fleet-role.js';
import { fleetUserData } from './fleet-user-data.js';
import type { HoistSettings } from './settings.js';

/** Seconds from launch until an instance polls: installing Node 24 and ffmpeg, fetching and unpacking the release. */
const INSTANCE_WARMUP_SECONDS = 300;

/**
 * The fleet's image: Debian 13 for x86-64, the newest the Debian cloud team publishes under this
 * public parameter (resolved by CloudFormation at deploy time, so synth stays offline). Debian
 * rather than Amazon Linux 2023, which has no ffmpeg package: Debian's is a maintained release
 * with security fixes, and the fleet refuses the unmaintained npm build in production.
 */
export const FLEET_IMAGE_PARAMETER = '/aws/service/debian/release/13/latest/amd64';

export interface TranscodeFleetProps {
  bucket: s3.IBucket;
  jobQueue: sqs.IQueue;
  /** URL of the release tarball the instances install (a CloudFormation parameter). */
  releaseUrl: string;
  /** Its SHA-256, hex: an instance installs nothing else. */
  releaseSha256: string;
  settings: HoistSettings;
}

/**
 * The transcoding fleet: an autoscaling group of Debian 13 instances, each running
 * worker-fleet/deploy/user-data.sh, which installs Node, Debian's ffmpeg and the release and
 * starts the systemd unit.
 * Instances sit in public subnets of their own VPC and accept no inbound traffic (SSH only
 * when asked for): they reach S3, SQS and the release over HTTPS, with no NAT gateway to pay for.
 * With the privateSubnets setting they sit in private subnets instead, with no public IP,
 * behind one NAT gateway, and reach S3 through a gateway endpoint.
 * Either way they may open connections out on ports 443 and 80 only: HTTPS to S3, SQS, the
 * release and NodeSource, and HTTP to Debian's mirrors, whose packages apt checks by signature.
 * The instance metadata service, the VPC's DNS resolver and Amazon Time Sync are link-local or
 * VPC services that security groups do not filter.
 */
export class TranscodeFleet extends Construct {
  readonly group: autoscaling.AutoScalingGroup;
  readonly role: FleetRole;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TranscodeFleetProps) {
    super(scope, id);
    const { settings } = props;
    const fleetSubnets = settings.privateSubnets ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC;
    const vpc = new ec2.Vpc(this, 'Network', {
      maxAzs: 2,
      natGateways: settings.privateSubnets ? 1 : 0,
      subnetConfiguration: settings.privateSubnets
        ? [
            { name: 'nat', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'fleet', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
          ]
        : [{ name: 'fleet', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      ...(settings.privateSubnets ? { gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } } } : {}),
      // Locking the unused default security group takes a CDK custom-resource Lambda with its
      // own broad role; nothing here uses that group, so it is left as AWS creates it.
      restrictDefaultSecurityGroup: false,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Hoist fleet: no inbound; outbound HTTPS (S3, SQS, the release, NodeSource) and HTTP (Debian mirrors) only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: S3, SQS, the release, NodeSource');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP: Debian mirrors (apt checks signatures)');
    if (settings.sshKeyName !== undefined && settings.sshCidr !== undefined) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(settings.sshCidr), ec2.Port.tcp(22), 'SSH from the operators network');
    }
    this.role = new FleetRole(this, 'Role', { bucket: props.bucket, jobQueue: props.jobQueue });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(settings.instanceType),
      machineImage: ec2.MachineImage.fromSsmParameter(FLEET_IMAGE_PARAMETER, { os: ec2.OperatingSystemType.LINUX }),
      userData: fleetUserData({
        HOIST_RELEASE_URL: props.releaseUrl,
        HOIST_RELEASE_SHA256: props.releaseSha256,
        JOB_QUEUE_URL: props.jobQueue.queueUrl,
        S3_BUCKET: props.bucket.bucketName,
        AWS_REGION: Aws.REGION,
        JOB_CONCURRENCY: String(settings.jobConcurrency),
        VISIBILITY_TIMEOUT_SECONDS: String(settings.visibilityTimeoutSeconds),
        MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
      }),
      role: this.role.role,
      securityGroup: this.securityGroup,
      associatePublicIpAddress: !settings.privateSubnets,
      // The metadata service answers only a session token's holder (IMDSv2), and its PUT for
      // that token reaches no further than this instance's own network stack (hop limit 1): a
      // container or anything forwarding requests for a process cannot obtain one.
      requireImdsv2: true,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      // The source and every rendition sit on this volume while a job runs.
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(settings.scratchVolumeGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
      ...(settings.sshKeyName !== undefined ? { keyPair: ec2.KeyPair.fromKeyPairName(this, 'KeyPair', settings.sshKeyName) } : {}),
    });
    this.group = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc,
      vpcSubnets: { subnetType: fleetSubnets },
      launchTemplate,
      minCapacity: settings.minInstances,
      maxCapacity: settings.maxInstances,
      groupMetrics: [new autoscaling.GroupMetrics(autoscaling.GroupMetric.IN_SERVICE_INSTANCES)],
      // A new release (a new ReleaseUrl) replaces instances one at a time; each one stopping
      // drains its jobs first (SIGTERM, then DRAIN_SECONDS), and released jobs go to the others.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1 }),
    });
    new BacklogScaling(this, 'Scaling', {
      group: this.group,
      jobQueue: props.jobQueue,
      jobsPerInstance: settings.jobConcurrency,
      instanceWarmupSeconds: INSTANCE_WARMUP_SECONDS,
    });
  }
}
