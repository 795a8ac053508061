import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

// `@20minutes/s3rver` is CommonJS without types. Its own request parsing, signature check, error
// type, event model and filesystem store are reused here, so what this layer adds answers in
// exactly the emulator's (and S3's) terms.
const require = createRequire(import.meta.url);

/** The slice of a Koa context this layer uses. */
export interface KoaContext {
  method: string;
  path: string;
  href: string;
  ip: string;
  query: Record<string, string>;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  state: { account?: unknown } & Record<string, unknown>;
  status: number;
  body: unknown;
  req: IncomingMessage;
  res: ServerResponse;
  request: { body?: unknown };
  app: { emit(event: string, payload: unknown): boolean };
  store: StoreLike;
  get(header: string): string;
  set(header: string, value: string): void;
}
export type Next = () => Promise<void>;
export type KoaMiddleware = (ctx: KoaContext, next: Next) => Promise<void>;

export interface S3ErrorLike extends Error {
  code: string;
  status: number;
}
type S3ErrorConstructor = new (code: string, message?: string, detail?: Record<string, unknown>) => S3ErrorLike;
const S3ErrorClass = require('@20minutes/s3rver/lib/models/error') as S3ErrorConstructor;

/**
 * An S3 error response (`<Error><Code>…`). `status` is given where the emulator's table lacks the
 * code (e.g. XAmzContentSHA256Mismatch, ConditionalRequestConflict).
 */
export function s3Error(code: string, message: string, detail: Record<string, unknown> = {}, status?: number): S3ErrorLike {
  const error = new S3ErrorClass(code, message, detail);
  if (status !== undefined) {
    error.status = status;
    (error as unknown as { expose: boolean }).expose = status < 500;
  }
  return error;
}

/** s3rver's SigV2/SigV4 verification; sets `ctx.state.account` when a signature checks out. */
export const signatureCheck = require('@20minutes/s3rver/lib/middleware/authentication') as () => KoaMiddleware;

/**
 * The strict layer checks every signature itself, before the emulator's router, with the canonical
 * URI S3 uses (the emulator drops a bucket path's trailing slash, so the SDK's ListObjectsV2 fails
 * its check). The router's own check then stands aside for requests already verified. The router
 * is one module shared by every emulator in the process, so this is done once.
 */
export function deferRouterSignatureCheck(): void {
  const router = require('@20minutes/s3rver/lib/routes') as { stack: Array<{ stack: KoaMiddleware[] }> };
  for (const layer of router.stack) {
    layer.stack = layer.stack.map((middleware) => {
      if (middleware.name !== 'authentication') return middleware;
      const deferred: KoaMiddleware = async (ctx, next) => (ctx.state.account ? next() : middleware(ctx, next));
      Object.defineProperty(deferred, 'name', { value: 'deferredAuthentication' });
      return deferred;
    });
  }
}

/** s3rver's request-body XML parser: reads `ctx.req`, leaves the parsed document in `ctx.request.body`. */
export const { xmlBodyParser } = require('@20minutes/s3rver/lib/utils') as { xmlBodyParser(ctx: KoaContext): Promise<void> };

export interface CorsRule {
  hasWildcardOrigin: boolean;
  allowedMethods: string[];
  allowedHeaders: RegExp[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}
export interface CorsConfig {
  matchRule(origin: string, method: string): CorsRule | undefined;
}

export interface StoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getSubresource(bucket: string, key: string | undefined, type: 'cors'): Promise<CorsConfig | undefined>;
  getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  putObjectMultipart(bucket: string, uploadId: string, parts: Array<{ number: number; etag: string }>): Promise<{ size: number; md5: string }>;
}

/** s3rver's filesystem store class, to extend. */
export const FilesystemStore = require('@20minutes/s3rver/lib/stores/filesystem') as new (root: string) => StoreLike & {
  putContent(path: string, content: Readable | Buffer): Promise<[number, string]>;
  putPart(bucket: string, uploadId: string, partNumber: string | number, content: Readable | Buffer): Promise<{ size: number; md5: string }>;
};

type S3EventConstructor = new (
  data: { bucket: string; eventType: 'Put' | 'Post' | 'Copy' | 'Delete'; S3Item: unknown },
  request: { reqHeaders: Record<string, string | undefined>; sourceIp: string },
) => { Records: Array<{ eventName: string }> };
const S3Event = require('@20minutes/s3rver/lib/models/event') as S3EventConstructor;
const S3Object = require('@20minutes/s3rver/lib/models/object') as new (bucket: string, key: string, content: null, metadata: Record<string, unknown>) => unknown;

/** The event record S3 sends for a completed multipart upload, through the emulator's own event channel. */
export function emitMultipartCompleted(ctx: KoaContext, bucket: string, key: string, stored: { size: number; md5: string }): void {
  const event = new S3Event(
    { bucket, eventType: 'Post', S3Item: new S3Object(bucket, key, null, { etag: JSON.stringify(stored.md5), 'content-length': stored.size }) },
    { reqHeaders: ctx.headers, sourceIp: ctx.ip },
  );
  // The emulator calls it `ObjectCreated:Post`; S3 names the operation.
  for (const record of event.Records) record.eventName = 'ObjectCreated:CompleteMultipartUpload';
  ctx.app.emit('event', event);
}
