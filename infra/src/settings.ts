import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { z } from 'zod';
import { describeZodError } from '@hoist/shared';
import { EDGE_DEFAULTS } from '../../edge/src/config.js';
import { FLEET_DEFAULTS } from '../../worker-fleet/src/fleet/config.js';

const SECONDS_PER_DAY = 86_400;
/** SQS's own ceiling for a visibility timeout: 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

const whole = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * The deployment's choices, given as CDK context (`npm run synth -- -c key=value`, or `-c` on
 * the CDK CLI). Everything has a default except what only the deployer can know; account and
 * region are never needed here, so the template synthesises offline and deploys anywhere.
 * Settings the fleet or the edge also read take their defaults from those parsers' own
 * constants, so the queue, the instances and the bucket cannot drift from what the code does.
 */
export const SettingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,29}$/, 'stackName must be a letter then up to 29 letters, digits or hyphens')
      .default('Hoist').describe('CloudFormation stack name, also the start of the bucket\'s name.'),
    allowedOrigins: z
      .string()
      .default('*')
      .transform((list) => list.split(',').map((item) => item.trim()).filter(Boolean))
      .refine((origins) => origins.length > 0, 'allowedOrigins must name at least one origin (or *)')
      .refine(
        (origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)),
        'allowedOrigins must be origins like https://app.example.com (scheme and host, no path), or *',
      )
      .describe('Browser origins allowed to PUT parts to and GET renditions from the bucket, comma-separated.'),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: 'instanceType must be an EC2 instance type such as c7i.xlarge', abort: true })
      // The fleet's image is Debian's amd64 one, and the release's node_modules carry x86-64
      // native binaries (esbuild, the local ffmpeg fallback).
      .refine(
        (type) => new ec2.InstanceType(type).architecture === ec2.InstanceArchitecture.X86_64,
        'instanceType must be x86-64: the fleet runs Debian\'s amd64 image and the release ships x86-64 binaries',
      )
      .default('c7i.xlarge')
      .describe('EC2 instance type of the fleet (4 vCPUs by default: ffmpeg is CPU-bound).'),
    minInstances: whole('minInstances', 1, 1000, 1)
      .describe('Fewest fleet instances. At least 1: backlog per instance has no value with none in service.'),
    maxInstances: whole('maxInstances', 1, 1000, 4).describe('Most fleet instances.'),
    scratchVolumeGiB: whole('scratchVolumeGiB', 20, 16_384, 100)
      .describe('Root volume of each instance, in GiB: it holds each encode\'s output until it is uploaded (sources are read from S3 in ranges, never stored).'),
    jobConcurrency: whole('jobConcurrency', 1, 64, FLEET_DEFAULTS.JOB_CONCURRENCY)
      .describe('Jobs each instance runs at once (the fleet\'s JOB_CONCURRENCY), and the backlog per instance scaling aims at.'),
    visibilityTimeoutSeconds: whole('visibilityTimeoutSeconds', 30, MAX_VISIBILITY_TIMEOUT_SECONDS, FLEET_DEFAULTS.VISIBILITY_TIMEOUT_SECONDS)
      .describe('Seconds a received job stays hidden (the fleet\'s VISIBILITY_TIMEOUT_SECONDS), on the queue and the instances alike.'),
    maxReceiveCount: whole('maxReceiveCount', 1, 1000, 5)
      .describe('Receives before a job message moves to the dead-letter queue.'),
    abortIncompleteUploadsAfterDays: whole(
      'abortIncompleteUploadsAfterDays',
      1,
      3650,
      Math.ceil(EDGE_DEFAULTS.UPLOAD_TTL_SECONDS / SECONDS_PER_DAY) + 1,
    ).describe('Days after which S3 aborts a multipart upload nobody completed: by default one day past the edge\'s upload-token lifetime, so no upload that could still be resumed is dropped.'),
    alarmEmail: optionalText.pipe(z.email('alarmEmail must be an email address').optional())
      .describe('Address the alarms email, once the subscription is confirmed. Optional.'),
    privateSubnets: z
      .enum(['true', 'false'], { error: 'privateSubnets must be true or false' })
      .default('false')
      .transform((value) => value === 'true')
      .describe('`true`: fleet instances sit in private subnets with no public IP, reaching the internet through one NAT gateway (about 33 USD a month plus its traffic) and S3 through a gateway endpoint (free, and video traffic never crosses the NAT).'),
    sshKeyName: optionalText.describe('EC2 key pair for SSH to fleet instances. Optional; needs sshCidr.'),
    sshCidr: optionalText.pipe(z.cidrv4('sshCidr must be an IPv4 CIDR such as 203.0.113.0/24').optional())
      .describe('Network allowed to reach port 22 when sshKeyName is set, e.g. 203.0.113.0/24.'),
  })
  .refine((s) => s.maxInstances >= s.minInstances, { message: 'maxInstances must be at least minInstances', path: ['maxInstances'] })
  .refine((s) => (s.sshKeyName === undefined) === (s.sshCidr === undefined), {
    message: 'set sshKeyName and sshCidr together',
    path: ['sshCidr'],
  });

export type HoistSettings = z.infer<typeof SettingsSchema>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Parses the deployment's context once; a bad value fails with a message naming its key and
 * quoting what was given.
 * `given` are the keys the deployer passed (`-c key=value`): one that is no setting, such as a
 * misspelt `maxInstance`, is refused rather than left to fall back to its default unnoticed.
 * (Context from the CDK CLI also carries the CLI's own keys, so only `given` is checked.)
 */
export function readSettings(context: (key: string) => unknown, given: readonly string[] = []): HoistSettings {
  const keys = Object.keys(SettingsSchema.shape);
  const unknown = given.filter((key) => !keys.includes(key));
  if (unknown.length > 0) {
    throw new SettingsError(`infra context is invalid: ${unknown.map((key) => `${key}: not a setting`).join('; ')} (settings: ${keys.join(', ')})`);
  }
  const raw = Object.fromEntries(keys.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined));
  const result = SettingsSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const value = raw[String(issue.path[0])];
      return value === undefined ? issue : { ...issue, message: `${issue.message} (got ${JSON.stringify(value)})` };
    });
    throw new SettingsError(`infra context is invalid: ${describeZodError(new z.ZodError(issues))}`);
  }
  return result.data;
}
