import { addCorsHeaders, answerPreflight } from './cors.js';
import { checkWritePreconditions } from './conditional-writes.js';
import { echoChecksums, expectationsFrom, requestBody } from './body-checks.js';
import { KeyLocks } from './key-locks.js';
import { abortUpload, completeUpload, listParts, uploadPart } from './multipart.js';
import { deferRouterSignatureCheck, s3Error, signatureCheck, type KoaContext, type KoaMiddleware, type Next } from './s3rver-internals.js';

/**
 * What makes the emulator refuse what S3 refuses and offer what Hoist relies on. It runs in front
 * of the emulator's router, in this order:
 * 1. CORS: preflights answered from the bucket's rules; allowed origins see every answer, errors too.
 * 2. Authentication: every request is signed (SigV4 header or query) by a known key, or is refused
 *    with 403 AccessDenied; a wrong signature is refused with SignatureDoesNotMatch (the emulator
 *    alone serves anonymous requests as if they came from the bucket's owner).
 * 3. Objects: reads and writes of one key are atomic towards each other; PutObject and
 *    CompleteMultipartUpload honour `If-None-Match: *` and `If-Match`; bodies are checked against
 *    their Content-Length, `x-amz-content-sha256`, Content-MD5 and `x-amz-checksum-*` before they
 *    replace anything.
 * 4. Multipart: ListParts, AbortMultipartUpload, and S3's checks on UploadPart and Complete.
 * Everything else goes on to the emulator as it is.
 */
export function strictS3Layer(): KoaMiddleware {
  deferRouterSignatureCheck();
  const locks = new KeyLocks();
  const verifySignature = signatureCheck();
  return async (ctx, next) => {
    const { bucket, key } = target(ctx.path);
    if (ctx.method === 'OPTIONS') return answerPreflight(ctx, bucket);
    await addCorsHeaders(ctx, bucket);
    // The emulator's signature check builds the canonical URI from these; `/bucket/` keeps its slash.
    const signedBucket = bucket && !key && ctx.path.endsWith('/') ? `${bucket}/` : bucket;
    ctx.params = { ...ctx.params, ...(signedBucket ? { bucket: signedBucket } : {}), ...(key ? { key } : {}) };
    await verifySignature(ctx, async () => {});
    if (bucket) ctx.params['bucket'] = bucket;
    if (!ctx.state.account) throw s3Error('AccessDenied', 'Access Denied');
    if (!bucket || !key) return next();
    return objectRequest(ctx, next, bucket, key, locks);
  };
}

async function objectRequest(ctx: KoaContext, next: Next, bucket: string, key: string, locks: KeyLocks): Promise<void> {
  const multipart = 'uploadId' in ctx.query;
  const lockKey = `${bucket}/${key}`;
  switch (ctx.method) {
    case 'GET':
    case 'HEAD': {
      if (multipart && ctx.method === 'GET') return listParts(ctx, bucket, key);
      if (Object.keys(ctx.query).some((name) => !name.startsWith('X-Amz-') && !name.startsWith('response-') && name !== 'x-id')) return next();
      // Held until the last byte is sent, so a rewrite waits instead of tearing this read.
      const release = await locks.read(lockKey);
      ctx.res.once('finish', release).once('close', release);
      try {
        return await next();
      } catch (error) {
        release();
        throw error;
      }
    }
    case 'PUT': {
      if (multipart && 'partNumber' in ctx.query && !ctx.headers['x-amz-copy-source']) return uploadPart(ctx, next, bucket, key);
      if (Object.keys(ctx.query).some((name) => !name.startsWith('X-Amz-') && name !== 'x-id') || ctx.headers['x-amz-copy-source']) return next();
      const expectations = expectationsFrom(ctx.headers);
      const release = await locks.write(lockKey);
      try {
        await checkWritePreconditions(ctx, ctx.store, bucket, key);
        await requestBody.run(expectations, next);
        echoChecksums(ctx, expectations);
        return;
      } finally {
        release();
      }
    }
    case 'POST':
      return multipart ? completeUpload(ctx, bucket, key, locks) : next();
    case 'DELETE': {
      if (multipart) return abortUpload(ctx, bucket, key);
      const release = await locks.write(lockKey);
      try {
        return await next();
      } finally {
        release();
      }
    }
    default:
      return next();
  }
}

/** Bucket and key of a path-style request (`/bucket/key…`), the key decoded as S3 decodes it. */
function target(path: string): { bucket?: string; key?: string } {
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (!match) return {};
  return { bucket: match[1]!, ...(match[2] ? { key: decodeURIComponent(match[2]) } : {}) };
}
