import { s3Error, type KoaContext, type StoreLike } from './s3rver-internals.js';

/**
 * S3's conditional writes (PutObject and CompleteMultipartUpload): `If-None-Match: *` writes only
 * where no object exists; `If-Match: <etag>` only over that exact object. The caller holds the
 * key's write lock, so the check and the write are one step, as in S3.
 */
export async function checkWritePreconditions(ctx: KoaContext, store: StoreLike, bucket: string, key: string): Promise<void> {
  const ifNoneMatch = ctx.headers['if-none-match'];
  const ifMatch = ctx.headers['if-match'];
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const exists = await store.existsObject(bucket, key);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
    }
    if (exists) throw preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (!exists) throw s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    const current = unquote(String((await store.getMetadata(bucket, key))['etag']));
    const wanted = ifMatch.split(',').map(unquote);
    if (!wanted.includes(current) && !wanted.includes('*')) throw preconditionFailed('If-Match');
  }
}

function preconditionFailed(condition: string) {
  return s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/"/g, '');
}
