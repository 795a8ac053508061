import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { multipartAbortMiddleware } from './s3-emulator-abort.js';

// s3rver is CommonJS without types.
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverInstance extends EventEmitter {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  middleware: unknown[];
  httpServer?: import('node:http').Server;
  store: Parameters<typeof multipartAbortMiddleware>[0];
}

/** The emulator's fixed credentials; it checks SigV4 signatures made with them. */
export const S3_EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Browsers PUT parts cross-origin and must be able to read each part's ETag. */
const CORS_CONFIG = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface S3EmulatorOptions {
  port: number;
  /** Where objects are kept on disk; they survive restarts. */
  directory: string;
  bucket: string;
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
 * Starts `@20minutes/s3rver` on loopback with the bucket and its CORS rules in place, plus
 * AbortMultipartUpload, which it lacks (see s3-emulator-abort.ts). ListParts stays missing, as
 * on some S3-compatible stores: clients fall back to their own record of finished parts.
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [CORS_CONFIG] }],
  });
  // Just before the router (the last middleware), after s3rver's request parsing.
  server.middleware.splice(server.middleware.length - 1, 0, multipartAbortMiddleware(server.store));
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucketUrl: `${endpoint}/${options.bucket}`,
    onEvent: (listener) => server.on('event', listener),
    // Keep-alive and half-sent requests must not hold the close up.
    stop: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}
