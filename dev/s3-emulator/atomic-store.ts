import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodyDigests, requestBody } from './body-checks.js';
import { FilesystemStore } from './s3rver-internals.js';

/**
 * The emulator's filesystem store, with writes as S3 makes them: bytes land in a staging file
 * and replace the object (or part) only once all of them have arrived and every checksum the
 * request carried matches. A PUT cut off halfway, or a corrupted one, leaves the old object as
 * it was; the emulator alone would keep the torn or corrupted bytes.
 */
export class AtomicFilesystemStore extends FilesystemStore {
  constructor(
    root: string,
    /** Staging folder on the same filesystem as `root`, outside it (the store reads `root`'s entries as buckets). */
    private readonly stagingDir: string,
  ) {
    super(root);
  }

  override async putContent(objectPath: string, content: Readable | Buffer): Promise<[number, string]> {
    await mkdir(this.stagingDir, { recursive: true });
    const staging = join(this.stagingDir, randomUUID());
    const digests = new BodyDigests(requestBody.getStore());
    try {
      await pipeline(
        Buffer.isBuffer(content) ? Readable.from([content]) : content,
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            digests.update(chunk);
            callback(null, chunk);
          },
        }),
        createWriteStream(staging),
      );
      const { length, md5 } = digests.verify();
      await rename(staging, objectPath);
      return [length, md5];
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    }
  }

  /** Keeps each part's flexible checksum beside it, for ListParts and CompleteMultipartUpload. */
  override async putPart(bucket: string, uploadId: string, partNumber: string | number, content: Readable | Buffer) {
    const stored = await super.putPart(bucket, uploadId, partNumber, content);
    const computed = requestBody.getStore()?.computed ?? {};
    await writeFile(`${partPath(this, bucket, uploadId, partNumber)}.checksums.json`, JSON.stringify(computed));
    return stored;
  }
}

/** Where the store keeps an upload's folder and a part's bytes. */
export function uploadDir(store: { getResourcePath(bucket: string, key: undefined, resource: string): string }, bucket: string, uploadId: string): string {
  return join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

export function partPath(store: { getResourcePath(bucket: string, key: undefined, resource: string): string }, bucket: string, uploadId: string, partNumber: string | number): string {
  return join(uploadDir(store, bucket, uploadId), String(partNumber));
}
