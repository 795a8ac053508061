import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { EventEmitter } from 'node:events';
import { AtomicFilesystemStore } from './s3-emulator/atomic-store.js';
import { corsConfigXml } from './s3-emulator/cors.js';
import type { KoaMiddleware, StoreLike } from './s3-emulator/s3rver-internals.js';
import { strictS3Layer } from './s3-emulator/strict-layer.js';

// s3rver is CommonJS without types.
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverInstance extends EventEmitter {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  middleware: unknown[];
  httpServer?: import('node:http').Server;
  store: StoreLike & { deleteSubresource(bucket: string, key: undefined, type: 'cors'): Promise<void> };
  context: { store: unknown };
}

/** The emulator's fixed credentials; every request must be signed with them. */
export const S3_EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3EmulatorOptions {
  port: number;
  /** Where objects are kept on disk; they survive restarts. */
  directory: string;
  bucket: string;
  /**
   * Origins whose pages may call the bucket from a browser (PUT parts, read the ETag, GET
   * renditions), as the bucket's CORS rules in AWS. Default none.
   */
  corsOrigins?: readonly string[];
}

export interface S3Emulator {
  /** Service endpoint, e.g. `http://127.0.0.1:4569`. */
  endpoint: string;
  /** Path-style URL of the bucket. */
  bucketUrl: string;
  /** Raw S3 event notifications (`{ Records: [...] }`) as the emulator emits them. */
  onEvent(listener: (event: { Records: unknown[] }) => void): void;
  stop(): Promise<void>;
}

/**
 * Starts `@20minutes/s3rver` on loopback with the bucket and its CORS rules in place, behind the
 * strict layer (s3-emulator/strict-layer.ts) that makes it refuse what S3 refuses: unsigned
 * requests, corrupted or cut-off bodies, failed preconditions. docs/local-s3.md lists what it
 * reproduces and what it does not.
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  await mkdir(options.directory, { recursive: true });
  const origins = options.corsOrigins ?? [];
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: origins.length ? [corsConfigXml(origins)] : [] }],
  });
  const staging = `${options.directory.replace(/\/+$/, '')}.incoming`;
  server.store = server.context.store = new AtomicFilesystemStore(options.directory, staging) as unknown as S3rverInstance['store'];
  // Just before the router (the last middleware), after the emulator's logging and XML replies.
  server.middleware.splice(server.middleware.length - 1, 0, strictS3Layer() satisfies KoaMiddleware);
  const address = await server.run();
  // Rules kept from an earlier run with other origins must not outlive them.
  if (!origins.length) await server.store.deleteSubresource(options.bucket, undefined, 'cors').catch(() => {});
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucketUrl: `${endpoint}/${options.bucket}`,
    onEvent: (listener) => server.on('event', listener),
    // Keep-alive and half-sent requests must not hold the close up.
    stop: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(staging, { recursive: true, force: true });
    },
  };
}
