import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createS3EventHandler } from '../worker-fleet/src/lambda/s3-event-handler.js';
import { jsonLogger, type Logger } from '../worker-fleet/src/logger.js';
import type { ManagedProcess } from './child-process.js';
import { startEdgeDevServer, type EdgeDevServer } from './edge-dev-server.js';
import { startFleetProcess } from './fleet-process.js';
import { LOCAL_TOKEN_DAYS, loadOrCreateLocalSecrets, mintLocalToken } from './local-auth.js';
import { assertPortFree } from './ports.js';
import { createS3EventBridge } from './s3-event-bridge.js';
import { S3_EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from './s3-emulator.js';
import type { StackConfig } from './stack-config.js';
import { SQS_EMULATOR_CREDENTIALS, startSqsEmulator, type SqsEmulator } from './sqs-emulator.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StackOptions {
  /** Start the fleet too (default true). Tests of the upload path alone leave it out. */
  fleet?: boolean;
  /** Where child processes' lines go; default stdout. */
  output?: (line: string) => void;
  /** Logger for the in-process S3-event bridge; default JSON lines at `config.logLevel`. */
  logger?: Logger;
  /** Extra or overriding Worker settings for the edge. */
  edgeVars?: Record<string, string>;
  /**
   * Puts something between the edge's signed URLs and the S3 emulator (tests use a
   * fault-injecting proxy); given the emulator's endpoint, returns the endpoint to sign for.
   */
  s3Front?: (s3Endpoint: string) => Promise<{ endpoint: string; stop(): Promise<void> }>;
}

/** What a running stack offers; also written to `<dataDir>/stack.json` for the CLI. */
export interface StackInfo {
  apiUrl: string;
  token: string;
  owner: string;
  s3Endpoint: string;
  bucket: string;
  bucketUrl: string;
  sqsEndpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export interface RunningStack extends StackInfo {
  stop(): Promise<void>;
}

/**
 * Brings up the whole system on loopback: the S3 emulator (bucket and CORS in place), the SQS
 * emulator (job queue and dead-letter queue), the S3-event bridge into the real Lambda handler,
 * the edge under `wrangler dev`, and the fleet. If any part fails to start, what did start is
 * stopped again.
 */
export async function startStack(config: StackConfig, options: StackOptions = {}): Promise<RunningStack> {
  const logger = options.logger ?? jsonLogger('s3-event-bridge', undefined, { level: config.logLevel ?? 'info' });
  await assertPortFree(config.s3Port, 'HOIST_S3_PORT');
  await assertPortFree(config.sqsPort, 'HOIST_SQS_PORT');
  await assertPortFree(config.edgePort, 'HOIST_EDGE_PORT');
  await assertPortFree(config.edgeInspectorPort, 'HOIST_EDGE_INSPECTOR_PORT');
  if (options.fleet ?? true) await assertPortFree(config.fleetHealthPort, 'HOIST_FLEET_HEALTH_PORT');

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    // The demo page is the edge's own origin; other pages are named in the config.
    const corsOrigins = [`http://127.0.0.1:${config.edgePort}`, `http://localhost:${config.edgePort}`, ...config.corsOrigins];
    const s3: S3Emulator = await startS3Emulator({ port: config.s3Port, directory: join(config.dataDir, 's3'), bucket: config.bucket, corsOrigins });
    stops.push(() => s3.stop());

    const sqs: SqsEmulator = await startSqsEmulator({
      port: config.sqsPort,
      queueName: config.queueName,
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 4,
    });
    stops.push(() => sqs.stop());

    const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: SQS_EMULATOR_CREDENTIALS });
    stops.push(async () => sqsClient.destroy());
    const bridge = createS3EventBridge({ handle: createS3EventHandler({ sqs: sqsClient, queueUrl: sqs.queueUrl, logger }), logger });
    s3.onEvent((event) => void bridge.deliver(event));
    // Stopped after the fleet and the edge, so the last summary counts their last writes.
    stops.push(async () => bridge.stop());

    let signedEndpoint = s3.endpoint;
    if (options.s3Front) {
      const front = await options.s3Front(s3.endpoint);
      stops.push(() => front.stop());
      signedEndpoint = front.endpoint;
    }
    const secrets = await loadOrCreateLocalSecrets(join(config.dataDir, 'local-secrets.json'));
    const edge: EdgeDevServer = await startEdgeDevServer({
      repoRoot: REPO_ROOT,
      port: config.edgePort,
      inspectorPort: config.edgeInspectorPort,
      dataDir: config.dataDir,
      vars: {
        S3_BUCKET_URL: `${signedEndpoint}/${config.bucket}`,
        S3_ACCESS_KEY_ID: S3_EMULATOR_CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_EMULATOR_CREDENTIALS.secretAccessKey,
        JWT_SECRET: secrets.jwtSecret,
        // The printed link keeps working for a month of local use; a deployment's default is a day.
        JWT_MAX_LIFETIME_SECONDS: String(LOCAL_TOKEN_DAYS * 86_400),
        UPLOAD_TOKEN_SECRET: secrets.uploadTokenSecret,
        CORS_ORIGINS: corsOrigins.join(','),
        // No PUBLIC_BASE_URL: renditions stay private, as in production by default, and players
        // read them through the edge's signed /play route. Tests of a CDN set it in edgeVars.
        ...options.edgeVars,
      },
      ...(options.output ? { output: options.output } : {}),
    });
    stops.push(() => edge.stop());

    if (options.fleet ?? true) {
      const fleet: ManagedProcess = startFleetProcess({
        repoRoot: REPO_ROOT,
        env: {
          JOB_QUEUE_URL: sqs.queueUrl,
          SQS_ENDPOINT: sqs.endpoint,
          S3_BUCKET: config.bucket,
          S3_ENDPOINT: s3.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: S3_EMULATOR_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3_EMULATOR_CREDENTIALS.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          HEALTH_PORT: String(config.fleetHealthPort),
          ...config.fleetEnv,
        },
        ...(options.output ? { output: options.output } : {}),
      });
      stops.push(() => fleet.stop(15_000));
    }

    const info: StackInfo = {
      apiUrl: edge.url,
      token: await mintLocalToken(secrets.jwtSecret, config.localOwner),
      owner: config.localOwner,
      s3Endpoint: s3.endpoint,
      bucket: config.bucket,
      bucketUrl: s3.bucketUrl,
      sqsEndpoint: sqs.endpoint,
      queueUrl: sqs.queueUrl,
      deadLetterQueueUrl: sqs.deadLetterQueueUrl,
    };
    await writeFile(join(config.dataDir, 'stack.json'), JSON.stringify(info, null, 2), { mode: 0o600 });
    return { ...info, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
