import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Content types of everything the fleet writes, by extension. */
const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  jpg: 'image/jpeg',
  json: 'application/json',
};

/**
 * Cache lifetimes: segments never change once written; playlists are rewritten as rungs land
 * (and on a re-upload of the same video), so caches hold them briefly; status is always fresh.
 */
export function cacheControlFor(key: string): string {
  if (key.endsWith('.ts') || key.endsWith('.jpg')) return 'public, max-age=31536000, immutable';
  if (key.endsWith('.m3u8')) return 'public, max-age=10';
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

  /** Streams an object to a local file, never holding it in memory. */
  async download(key: string, path: string): Promise<void> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    await pipeline(response.Body as Readable, createWriteStream(path));
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
        CacheControl: cacheControlFor(key),
      }),
    );
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, JSON.stringify(value, null, 2));
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
