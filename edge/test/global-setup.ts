import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../dev/ports.js';
import { startS3Emulator } from '../../dev/s3-emulator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3BucketUrl: string;
  }
}

/** Starts the S3 emulator in Node for the workerd tests, and removes it and its files after. */
export default async function setup(project: TestProject) {
  const directory = await mkdtemp(join(tmpdir(), 'hoist-edge-test-'));
  const s3 = await startS3Emulator({ port: await freePort(), directory, bucket: 'hoist-test' });
  project.provide('s3BucketUrl', s3.bucketUrl);
  return async () => {
    await s3.stop();
    await rm(directory, { recursive: true, force: true });
  };
}
