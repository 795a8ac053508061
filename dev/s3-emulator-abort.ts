import { access, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// s3rver's own signature check and error type, so this addition answers exactly as it does.
const authentication = require('@20minutes/s3rver/lib/middleware/authentication') as () => KoaMiddleware;
const S3Error = require('@20minutes/s3rver/lib/models/error') as new (code: string, message: string, detail?: object) => Error;

type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string>;
  params: Record<string, string>;
  status: number;
  body: unknown;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/**
 * `@20minutes/s3rver` stores multipart uploads but has no AbortMultipartUpload, and it accepts
 * parts for an upload id it never issued. This adds both behaviours S3 has, on top of the
 * emulator's own store and signature check: DELETE `?uploadId` removes the upload and its
 * parts; a part or abort for an unknown upload answers NoSuchUpload. Without it, aborting
 * could not be exercised locally at all.
 */
export function multipartAbortMiddleware(store: FilesystemStore): KoaMiddleware {
  const verifySignature = authentication();
  return async (ctx, next) => {
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    const isPart = ctx.method === 'PUT' && 'partNumber' in ctx.query;
    if (!match || !('uploadId' in ctx.query) || (ctx.method !== 'DELETE' && !isPart)) return next();
    const [, bucket, encodedKey] = match as unknown as [string, string, string];
    ctx.params = { ...ctx.params, bucket, key: decodeURIComponent(encodedKey) };
    await verifySignature(ctx, async () => {});
    const uploadDir = join(store.getResourcePath(bucket, undefined, 'uploads'), String(ctx.query['uploadId']));
    const known = await access(join(uploadDir, 'key')).then(
      () => true,
      () => false,
    );
    if (!known) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
        UploadId: ctx.query['uploadId'],
      });
    }
    if (isPart) return next();
    // A part still being written (its client gave up, its bytes had not) can add a file while
    // the folder is removed; S3 aborts regardless, so the removal is tried again.
    await rm(uploadDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    ctx.status = 204;
    ctx.body = null;
  };
}
