import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partPath, uploadDir } from './atomic-store.js';
import { CHECKSUM_ALGORITHMS, checksummer, echoChecksums, expectationsFrom, requestBody, type ChecksumAlgorithm } from './body-checks.js';
import { checkWritePreconditions } from './conditional-writes.js';
import type { KeyLocks } from './key-locks.js';
import { emitMultipartCompleted, s3Error, xmlBodyParser, type KoaContext, type Next } from './s3rver-internals.js';

/** S3's smallest part, except the last. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

interface Upload {
  dir: string;
  /** The flexible checksum the upload was created with, if any. */
  algorithm: ChecksumAlgorithm | undefined;
}

interface StoredPart {
  number: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/**
 * The upload `uploadId` of this key, or S3's NoSuchUpload. The emulator alone accepts parts for
 * an id it never issued, or for another key.
 */
async function openUpload(ctx: KoaContext, bucket: string, key: string): Promise<Upload> {
  const uploadId = String(ctx.query['uploadId']);
  const dir = uploadDir(ctx.store, bucket, uploadId);
  const [storedKey, metadata] = await Promise.all([
    readFile(join(dir, 'key'), 'utf8').catch(() => undefined),
    readFile(join(dir, 'metadata'), 'utf8').then(
      (text) => JSON.parse(text) as Record<string, string>,
      () => ({}) as Record<string, string>,
    ),
  ]);
  if (storedKey !== key) {
    throw s3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
  }
  const declared = metadata['x-amz-checksum-algorithm']?.toLowerCase();
  return { dir, algorithm: CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === declared) };
}

/**
 * The numbers of the parts stored, in order, from the folder's names alone: a part counts once
 * its `.md5` is written. Cheap enough for every ListParts, which the edge makes before signing.
 */
async function storedPartNumbers(upload: Upload): Promise<number[]> {
  const names = new Set(await readdir(upload.dir).catch(() => [] as string[]));
  return [...names]
    .filter((name) => /^\d+$/.test(name) && names.has(`${name}.md5`))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * What the store holds for these parts (all of them by default). Only the parts asked for are
 * read, so a page of ListParts costs the same at part 10 000 as at part 1, as it does at S3.
 */
async function storedParts(upload: Upload, numbers?: readonly number[]): Promise<StoredPart[]> {
  const parts = await Promise.all(
    (numbers ?? (await storedPartNumbers(upload))).map(async (number): Promise<StoredPart | undefined> => {
      const name = String(number);
      try {
        const [info, md5, checksums] = await Promise.all([
          stat(join(upload.dir, name)),
          readFile(join(upload.dir, `${name}.md5`), 'utf8'),
          readFile(join(upload.dir, `${name}.checksums.json`), 'utf8').then(JSON.parse, () => ({})),
        ]);
        return { number, etag: md5, size: info.size, lastModified: info.mtime, checksums };
      } catch {
        return undefined; // aborted under us
      }
    }),
  );
  return parts.filter((part): part is StoredPart => part !== undefined);
}

/** UploadPart: only into an upload that exists, with a checksum of the upload's kind if any, verified as it lands. */
export async function uploadPart(ctx: KoaContext, next: Next, bucket: string, key: string): Promise<void> {
  const upload = await openUpload(ctx, bucket, key);
  const partNumber = Number(ctx.query['partNumber']);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw s3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, { ArgumentName: 'partNumber' });
  }
  const expectations = expectationsFrom(ctx.headers);
  const sent = Object.keys(expectations.checksums)[0];
  if (sent && upload.algorithm && sent !== upload.algorithm) {
    throw s3Error('InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${upload.algorithm}, actual checksum Type: ${sent}`);
  }
  if (upload.algorithm) expectations.compute.push(upload.algorithm);
  await requestBody.run(expectations, next);
  echoChecksums(ctx, expectations);
}

/** ListParts, with S3's paging (`max-parts`, `part-number-marker`). */
export async function listParts(ctx: KoaContext, bucket: string, key: string): Promise<void> {
  const upload = await openUpload(ctx, bucket, key);
  const maxParts = Math.min(Number(ctx.query['max-parts'] ?? 1000), 1000);
  const marker = Number(ctx.query['part-number-marker'] ?? 0);
  if (!Number.isInteger(maxParts) || maxParts < 0 || !Number.isInteger(marker) || marker < 0) {
    throw s3Error('InvalidArgument', 'max-parts and part-number-marker must be non-negative integers');
  }
  const after = (await storedPartNumbers(upload)).filter((number) => number > marker);
  const page = await storedParts(upload, after.slice(0, maxParts));
  const checksumTag = upload.algorithm ? `Checksum${upload.algorithm.toUpperCase()}` : undefined;
  ctx.body = {
    ListPartsResult: {
      '@': { xmlns: XMLNS },
      Bucket: bucket,
      Key: key,
      UploadId: ctx.query['uploadId'],
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.number ?? marker,
      MaxParts: maxParts,
      IsTruncated: after.length > page.length,
      ...(upload.algorithm ? { ChecksumAlgorithm: upload.algorithm.toUpperCase() } : {}),
      StorageClass: 'STANDARD',
      Part: page.map((part) => ({
        PartNumber: part.number,
        LastModified: part.lastModified.toISOString(),
        ETag: JSON.stringify(part.etag),
        Size: part.size,
        ...(checksumTag && upload.algorithm && part.checksums[upload.algorithm] ? { [checksumTag]: part.checksums[upload.algorithm] } : {}),
      })),
    },
  };
}

/** AbortMultipartUpload: the upload and its parts are gone; later parts get NoSuchUpload. */
export async function abortUpload(ctx: KoaContext, bucket: string, key: string): Promise<void> {
  const upload = await openUpload(ctx, bucket, key);
  // A part still landing can add a file while the folder goes; S3 aborts regardless.
  await rm(upload.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  ctx.status = 204;
  ctx.body = null;
}

/**
 * CompleteMultipartUpload as S3 judges it: parts listed in ascending order, each stored with that
 * ETag (and that checksum, when the upload has an algorithm), every part but the last at least
 * 5 MiB, and the write's preconditions (`If-None-Match`, `If-Match`) held at the moment of writing.
 */
export async function completeUpload(ctx: KoaContext, bucket: string, key: string, locks: KeyLocks): Promise<void> {
  const upload = await openUpload(ctx, bucket, key);
  await xmlBodyParser(ctx);
  const document = (ctx.request.body as { CompleteMultipartUpload?: { Part?: unknown } } | undefined)?.CompleteMultipartUpload;
  if (!document?.Part) {
    throw s3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  const listed = ([] as Array<Record<string, unknown>>).concat(document.Part as Record<string, unknown>).map((part) => ({
    number: Number(part['PartNumber']),
    etag: String(part['ETag'] ?? '').replace(/"/g, ''),
    checksum: upload.algorithm ? (part[`Checksum${upload.algorithm.toUpperCase()}`] as string | undefined) : undefined,
  }));
  const stored = new Map((await storedParts(upload)).map((part) => [part.number, part]));
  if (listed.some((part, index) => index > 0 && part.number <= listed[index - 1]!.number)) {
    throw s3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
  }
  listed.forEach((part, index) => {
    const held = stored.get(part.number);
    if (!held || held.etag !== part.etag) {
      throw s3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', {
        PartNumber: part.number,
        ETag: part.etag,
      });
    }
    if (upload.algorithm && part.checksum === undefined) {
      throw s3Error('InvalidRequest', `The upload was created using a ${upload.algorithm} checksum. The complete request must include the checksum for each part. It was missing for part ${part.number} in the request.`);
    }
    if (upload.algorithm && part.checksum !== held.checksums[upload.algorithm]) {
      throw s3Error('InvalidPart', `One or more of the specified parts could not be found. The ${upload.algorithm} checksum of part ${part.number} does not match.`, { PartNumber: part.number });
    }
    if (index < listed.length - 1 && held.size < MIN_PART_BYTES) {
      throw s3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { PartNumber: part.number, ProposedSize: held.size, MinSizeAllowed: MIN_PART_BYTES });
    }
  });

  // S3's multipart ETag: the MD5 of the parts' MD5s, and how many parts. The object keeps it.
  const etag = `${composite('md5', listed.map((part) => part.etag), 'hex').toString('hex')}-${listed.length}`;
  const release = await locks.write(`${bucket}/${key}`);
  let written: { size: number; md5: string };
  try {
    await checkWritePreconditions(ctx, ctx.store, bucket, key);
    // The object's bytes come from stored parts, not from this request's body.
    written = await requestBody.run({ checksums: {}, compute: [] }, () =>
      ctx.store.putObjectMultipart(bucket, String(ctx.query['uploadId']), listed.map(({ number, etag }) => ({ number, etag }))),
    );
    await writeFile(ctx.store.getResourcePath(bucket, key, 'object.md5'), etag);
  } finally {
    release();
  }
  emitMultipartCompleted(ctx, bucket, key, { size: written.size, md5: etag });
  const algorithm = upload.algorithm;
  ctx.body = {
    CompleteMultipartUploadResult: {
      '@': { xmlns: XMLNS },
      Location: ctx.href.split('?')[0],
      Bucket: bucket,
      Key: key,
      ETag: JSON.stringify(etag),
      // A composite checksum: the checksum of the parts' checksums, and how many parts. It is
      // not the checksum of the object's bytes.
      ...(algorithm
        ? {
            [`Checksum${algorithm.toUpperCase()}`]: `${composite(algorithm, listed.map((part) => part.checksum!), 'base64').toString('base64')}-${listed.length}`,
            ChecksumType: 'COMPOSITE',
          }
        : {}),
    },
  };
}

function composite(algorithm: ChecksumAlgorithm | 'md5', digests: string[], encoding: 'hex' | 'base64'): Buffer {
  const hash = checksummer(algorithm);
  for (const digest of digests) hash.update(Buffer.from(digest, encoding));
  return hash.digest();
}
