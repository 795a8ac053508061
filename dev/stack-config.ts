import { resolve } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '@hoist/shared';
import type { LogLevel } from '../worker-fleet/src/logger.js';

// Messages leave out the setting's name: `describeZodError` puts it in front of each one.
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number (1-65535)' })
    .int('must be a whole number (1-65535)')
    .min(1, 'must be 1-65535')
    .max(65_535, 'must be 1-65535')
    .default(fallback);

/** The local stack's settings (`npm start`); docs/settings.md is generated from this. */
export const StackEnv = z.object({
  HOIST_S3_PORT: port(4569).describe('Loopback port of the local S3 emulator.'),
  HOIST_SQS_PORT: port(4576).describe('Loopback port of the local SQS emulator.'),
  HOIST_EDGE_PORT: port(8787)
    .describe('Loopback port of the edge under wrangler dev: the upload page and the API.'),
  HOIST_EDGE_INSPECTOR_PORT: port(9229).describe('Loopback port of workerd\'s inspector, to debug the edge.'),
  HOIST_FLEET_HEALTH_PORT: port(9464)
    .describe('Loopback port of the local fleet\'s health and metrics endpoint.'),
  HOIST_DATA_DIR: z.string().min(1, 'must not be empty').default('.data')
    .describe('Where objects, secrets and workerd state are kept between runs.'),
  HOIST_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name').default('hoist')
    .describe('Name of the local bucket.'),
  HOIST_LOCAL_OWNER: z.string().default('local-dev')
    .describe('The owner the printed local token speaks for.'),
  HOIST_LOG_LEVEL: z.enum(['info', 'debug'], { error: 'must be info or debug' }).default('info')
    .describe('`debug` also logs each S3 event record the bridge passes over (every rendition write).'),
  HOIST_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s*]+$/, 'must be origins such as http://localhost:3000, comma-separated')))
    .describe('Origins of other pages allowed to upload and play from a browser, comma-separated (the edge\'s own page always is).'),
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
  /** Least level the stack's own log writes (default info). */
  logLevel?: LogLevel;
  /** Origins beyond the edge's own whose pages may call the API and the bucket from a browser. */
  corsOrigins: string[];
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
  const passThrough = ['LADDER', 'POOL_SIZE', 'JOB_CONCURRENCY', 'X264_PRESET', 'TEMP_DIR', 'FFMPEG_PATH', 'FFPROBE_PATH', 'DRAIN_SECONDS', 'VISIBILITY_TIMEOUT_SECONDS',
    'MAX_DURATION_SECONDS', 'MAX_FRAME_WIDTH', 'MAX_FRAME_HEIGHT', 'MAX_FRAME_PIXELS', 'MAX_FRAME_RATE', 'MAX_STREAMS'];
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
    corsOrigins: c.HOIST_CORS_ORIGINS,
    logLevel: c.HOIST_LOG_LEVEL,
    fleetEnv: Object.fromEntries(passThrough.filter((k) => env[k]).map((k) => [k, env[k]!])),
  };
}
