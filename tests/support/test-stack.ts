import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import { freePort } from '../../dev/ports.js';
import { S3_EMULATOR_CREDENTIALS } from '../../dev/s3-emulator.js';
import { startStack, type RunningStack, type StackOptions } from '../../dev/stack.js';
import { silentLogger } from '../../worker-fleet/src/logger.js';

export interface TestStack extends RunningStack {
  dataDir: string;
  /** Every line the stack's processes printed, for failure messages. */
  lines: string[];
}

/**
 * The same local stack `npm start` runs, on free loopback ports and a throwaway data folder,
 * removed again by `stop()`.
 */
export async function startTestStack(options: {
  fleet: boolean;
  fleetEnv?: Record<string, string>;
  edgeVars?: Record<string, string>;
  s3Front?: StackOptions['s3Front'];
  /** Origins of test pages (beyond the edge's own) allowed to call the API and the bucket. */
  corsOrigins?: string[];
}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hoist-stack-test-'));
  const lines: string[] = [];
  try {
    const stack = await startStack(
      {
        s3Port: await freePort(),
        sqsPort: await freePort(),
        edgePort: await freePort(),
        edgeInspectorPort: await freePort(),
        fleetHealthPort: await freePort(),
        dataDir,
        bucket: 'hoist-test',
        queueName: 'hoist-test-jobs',
        localOwner: 'tester',
        corsOrigins: options.corsOrigins ?? [],
        fleetEnv: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.fleetEnv },
      },
      {
        fleet: options.fleet,
        output: (line) => lines.push(line),
        logger: silentLogger,
        ...(options.edgeVars ? { edgeVars: options.edgeVars } : {}),
        ...(options.s3Front ? { s3Front: options.s3Front } : {}),
      },
    );
    return {
      ...stack,
      dataDir,
      lines,
      stop: async () => {
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

const emulatorClient = new AwsClient({ ...S3_EMULATOR_CREDENTIALS, service: 's3', region: 'us-east-1' });

/**
 * Reads one stored object from the S3 emulator with a SigV4-signed GET, as any S3 reader must
 * (the bucket is private, as in AWS). Throws unless S3 answers 200.
 */
export async function readStoredObject(stack: Pick<TestStack, 'bucketUrl'>, key: string): Promise<Uint8Array> {
  const response = await emulatorClient.fetch(`${stack.bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}`);
  if (!response.ok) throw new Error(`GET ${key}: HTTP ${response.status} ${await response.text()}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** SHA-256 (hex) of the source object stored for `videoId`, read back from the emulator. */
export async function storedSourceSha256(stack: TestStack, videoId: string, fileName: string): Promise<string> {
  const bytes = await readStoredObject(stack, `uploads/${stack.owner}/${videoId}/${fileName}`);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where the S3 emulator keeps one folder per multipart upload still open (none before the first). */
export function multipartUploadsDir(stack: TestStack): string {
  return join(stack.dataDir, 's3', stack.bucket, '._S3rver_uploads');
}

/** Upload ids of the multipart uploads the S3 emulator still holds open. */
export async function openMultipartUploads(stack: TestStack): Promise<string[]> {
  return readdir(multipartUploadsDir(stack)).catch(() => []);
}
