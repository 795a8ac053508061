import { resolve } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '@hoist/shared';

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be 1-65535`)
    .max(65_535, `${name} must be 1-65535`)
    .default(fallback);

const StackEnv = z.object({
  HOIST_S3_PORT: port('HOIST_S3_PORT', 4569),
  HOIST_SQS_PORT: port('HOIST_SQS_PORT', 4576),
  HOIST_EDGE_PORT: port('HOIST_EDGE_PORT', 8787),
  HOIST_EDGE_INSPECTOR_PORT: port('HOIST_EDGE_INSPECTOR_PORT', 9229),
  HOIST_FLEET_HEALTH_PORT: port('HOIST_FLEET_HEALTH_PORT', 9464),
  /** Where objects, secrets and workerd state are kept between runs. */
  HOIST_DATA_DIR: z.string().min(1).default('.data'),
  HOIST_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'HOIST_BUCKET must be a valid bucket name').default('hoist'),
  /** The owner the printed local token speaks for. */
  HOIST_LOCAL_OWNER: z.string().default('local-dev'),
});

export interface StackConfig {
  s3Port: number;
  sqsPort: number;
  edgePort: number;
  edgeInspectorPort: number;
  fleetHealthPort: number;
  dataDir: string;
  bucket: string;
  queueName: string;
  localOwner: string;
  /** Fleet settings passed through (LADDER, POOL_SIZE, ...). */
  fleetEnv: Record<string, string>;
}

/** The local stack's settings from the environment, each with its default. */
export function readStackConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StackConfig {
  const result = StackEnv.safeParse(env);
  if (!result.success) {
    throw new Error(describeZodError(result.error));
  }
  const c = result.data;
  const passThrough = ['LADDER', 'POOL_SIZE', 'JOB_CONCURRENCY', 'X264_PRESET', 'TEMP_DIR', 'FFMPEG_PATH', 'FFPROBE_PATH', 'DRAIN_SECONDS', 'VISIBILITY_TIMEOUT_SECONDS'];
  return {
    s3Port: c.HOIST_S3_PORT,
    sqsPort: c.HOIST_SQS_PORT,
    edgePort: c.HOIST_EDGE_PORT,
    edgeInspectorPort: c.HOIST_EDGE_INSPECTOR_PORT,
    fleetHealthPort: c.HOIST_FLEET_HEALTH_PORT,
    dataDir: resolve(cwd, c.HOIST_DATA_DIR),
    bucket: c.HOIST_BUCKET,
    queueName: 'hoist-transcode-jobs',
    localOwner: c.HOIST_LOCAL_OWNER,
    fleetEnv: Object.fromEntries(passThrough.filter((k) => env[k]).map((k) => [k, env[k]!])),
  };
}
