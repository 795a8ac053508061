import { readFile } from 'node:fs/promises';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Content types of everything the fleet writes, by extension. */
const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  jpg: 'image/jpeg',
  json: 'application/json',
};

/**
 * Cache lifetimes: segments never change once written; a media playlist still growing (an
 * EVENT playlist without `EXT-X-ENDLIST`) must reach players fresh at each reload, a finished
 * one and the master are held briefly (a re-upload of the same video rewrites them); status is
 * always fresh.
 */
export function cacheControlFor(key: string, body?: Uint8Array | string): string {
  if (key.endsWith('.ts') || key.endsWith('.jpg')) return 'public, max-age=31536000, immutable';
  if (key.endsWith('.m3u8')) {
    const growing = typeof body === 'string' && body.includes('#EXT-X-PLAYLIST-TYPE:EVENT') && !/^#EXT-X-ENDLIST\s*$/m.test(body);
    return growing ? 'no-cache' : 'public, max-age=10';
  }
  return 'no-cache';
}

export function contentTypeFor(key: string): string {
  return CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** The fleet's reads and writes on the bucket. */
export class S3Store {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** The first `length` bytes of an object (fewer when it is shorter): what the container sniff reads. */
  async head(key: string, length: number): Promise<Buffer> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${length - 1}` }));
    return Buffer.from(await response.Body!.transformToByteArray());
  }

  /**
   * A GET URL for `key` valid for `seconds`, for ffmpeg to read the source with ranged requests
   * (it seeks to each chunk's start), so no worker ever stores a whole source on its disk.
   */
  presignGet(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: Math.max(60, Math.min(7 * 24 * 3600, Math.ceil(seconds))) });
  }

  async putFile(key: string, path: string): Promise<void> {
    await this.put(key, await readFile(path));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentTypeFor(key),
        CacheControl: cacheControlFor(key, body),
      }),
    );
  }

  /** A text object and its ETag, or `null` when there is none. */
  async getTextWithEtag(key: string): Promise<{ text: string; etag: string } | null> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { text: await response.Body!.transformToString(), etag: response.ETag ?? '' };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /**
   * Writes `body` only if `key` does not exist yet, or only if it still has `ifMatch` as its
   * ETag. False when the condition failed: another writer got there first.
   */
  async putIf(key: string, body: string, condition: { ifMatch: string } | 'absent'): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentTypeFor(key),
          CacheControl: cacheControlFor(key, body),
          ...(condition === 'absent' ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: the condition failed. 409: S3 saw a concurrent conditional write to the key; 404:
      // If-Match on a key deleted meanwhile. Each means another writer's version stands.
      if (status === 412 || status === 409 || (status === 404 && condition !== 'absent')) return false;
      throw error;
    }
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, JSON.stringify(value, null, 2));
  }

  /**
   * Writes `value` only if `key` does not exist yet (If-None-Match: *), or only if it still has
   * `ifMatch` as its ETag. False when the condition failed: another writer got there first.
   */
  putJsonIf(key: string, value: unknown, condition: { ifMatch: string } | 'absent'): Promise<boolean> {
    return this.putIf(key, JSON.stringify(value, null, 2), condition);
  }

  /**
   * A JSON object and its ETag, or `null` when there is none. An object that is not JSON reads
   * as value `undefined` with its ETag, so a conditional write can still replace it.
   */
  async getJsonWithEtag(key: string): Promise<{ value: unknown; etag: string } | null> {
    const stored = await this.getTextWithEtag(key);
    if (!stored) return null;
    let value: unknown;
    try {
      value = JSON.parse(stored.text);
    } catch {
      value = undefined;
    }
    return { value, etag: stored.etag };
  }

  /** Every key under `prefix`, all pages. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** Deletes every key under `prefix` (a thousand per request). */
  async deletePrefix(prefix: string): Promise<void> {
    const keys = await this.list(prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    }
  }

  /** Reads a JSON object, or `null` when there is none. */
  async getJson(key: string): Promise<unknown> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse(await response.Body!.transformToString());
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }
}
