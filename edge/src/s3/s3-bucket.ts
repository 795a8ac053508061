import { AwsClient } from 'aws4fetch';
import { readXml, writeXml } from './xml.js';
import { S3RequestError, s3ErrorFrom } from './s3-error.js';

export interface S3BucketOptions {
  /** Base URL of the bucket (path or virtual-hosted style), without a trailing slash. */
  bucketUrl: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Fetch used for S3 calls; defaults to the global one. */
  fetch?: typeof fetch;
}

/** Tries a read gets before its failure is reported. */
const READ_ATTEMPTS = 3;

/** Encodes a key for a URL path as SigV4 canonicalises it: each segment RFC 3986-encoded, `/` kept. */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * The S3 calls the edge makes, signed with aws4fetch (SigV4 over WebCrypto, so it runs in
 * workerd). Only multipart operations on sources and reads of output documents.
 */
export class S3Bucket {
  readonly #aws: AwsClient;
  readonly #base: string;
  readonly #fetch: typeof fetch;

  constructor(options: S3BucketOptions) {
    this.#aws = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      service: 's3',
      region: options.region,
      retries: 0,
    });
    this.#base = options.bucketUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  objectUrl(key: string): URL {
    return new URL(`${this.#base}/${encodeKeyPath(key)}`);
  }

  /**
   * Sends a signed request. A read (GET, HEAD) that fails on the network, such as a kept-alive
   * connection the other side has just closed, or that S3 answers with a 5xx ("please try
   * again"), is tried up to twice more after a moment; writes are never repeated here.
   */
  async #fetchSigned(url: URL, init: RequestInit): Promise<Response> {
    const idempotent = init.method === 'GET' || init.method === 'HEAD';
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.#fetch(await this.#aws.sign(url.toString(), init));
        if (!idempotent || attempt >= READ_ATTEMPTS || response.status < 500) return response;
        await response.body?.cancel();
      } catch (error) {
        if (!idempotent || attempt >= READ_ATTEMPTS) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }

  async #send(operation: string, url: URL, init: RequestInit): Promise<Response> {
    const response = await this.#fetchSigned(url, init);
    if (!response.ok) throw await s3ErrorFrom(operation, response);
    return response;
  }

  /** Starts a multipart upload; with `checksum`, S3 will demand and verify that checksum on every part. */
  async createMultipartUpload(key: string, contentType: string, checksum?: 'sha256' | 'crc32c'): Promise<string> {
    const url = this.objectUrl(key);
    url.search = 'uploads';
    const response = await this.#send('CreateMultipartUpload', url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...(checksum ? { 'x-amz-checksum-algorithm': checksum.toUpperCase() } : {}),
      },
    });
    const doc = readXml(await response.text())['InitiateMultipartUploadResult'] as Record<string, unknown> | undefined;
    const uploadId = doc?.['UploadId'];
    if (typeof uploadId !== 'string' || uploadId === '') {
      throw new S3RequestError('CreateMultipartUpload', 502, 'MissingUploadId', 'response had no UploadId');
    }
    return uploadId;
  }

  /** Completes the upload and returns the object's ETag. S3 may answer 200 with an error body. */
  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: ReadonlyArray<{ partNumber: number; etag: string; checksum?: string | undefined }>,
    checksum?: 'sha256' | 'crc32c',
  ): Promise<string> {
    const url = this.objectUrl(key);
    url.searchParams.set('uploadId', uploadId);
    const body = writeXml({
      CompleteMultipartUpload: {
        Part: parts.map((part) => ({
          PartNumber: part.partNumber,
          ETag: part.etag.startsWith('"') ? part.etag : `"${part.etag}"`,
          ...(checksum === 'sha256' ? { ChecksumSHA256: part.checksum } : {}),
          ...(checksum === 'crc32c' ? { ChecksumCRC32C: part.checksum } : {}),
        })),
      },
    });
    const response = await this.#send('CompleteMultipartUpload', url, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body,
    });
    const doc = readXml(await response.text());
    const error = doc['Error'] as Record<string, unknown> | undefined;
    if (error) {
      throw new S3RequestError('CompleteMultipartUpload', 200, String(error['Code']), String(error['Message']));
    }
    const result = doc['CompleteMultipartUploadResult'] as Record<string, unknown> | undefined;
    return String(result?.['ETag'] ?? '');
  }

  /** Every part S3 holds for the upload, following ListParts' pages, with each part's checksum where it has one. */
  async listParts(key: string, uploadId: string): Promise<Array<{ partNumber: number; etag: string; size: number; checksum?: string }>> {
    const parts: Array<{ partNumber: number; etag: string; size: number; checksum?: string }> = [];
    let marker = '0';
    for (;;) {
      const url = this.objectUrl(key);
      url.searchParams.set('uploadId', uploadId);
      url.searchParams.set('part-number-marker', marker);
      const response = await this.#send('ListParts', url, { method: 'GET' });
      const result = readXml(await response.text())['ListPartsResult'] as Record<string, unknown> | undefined;
      const page = result?.['Part'];
      for (const part of (Array.isArray(page) ? page : page ? [page] : []) as Array<Record<string, string>>) {
        const checksum = part['ChecksumSHA256'] ?? part['ChecksumCRC32C'];
        parts.push({ partNumber: Number(part['PartNumber']), etag: String(part['ETag']), size: Number(part['Size']), ...(checksum ? { checksum: String(checksum) } : {}) });
      }
      if (result?.['IsTruncated'] !== 'true') return parts;
      marker = String(result['NextPartNumberMarker']);
    }
  }

  /**
   * Whether S3 still has the multipart upload open: ListParts, one part at most. A completed or
   * aborted upload answers NoSuchUpload; that is the edge's record that an upload has ended.
   */
  async multipartUploadIsOpen(key: string, uploadId: string): Promise<boolean> {
    const url = this.objectUrl(key);
    url.searchParams.set('uploadId', uploadId);
    url.searchParams.set('max-parts', '1');
    try {
      const response = await this.#send('ListParts', url, { method: 'GET' });
      await response.body?.cancel();
      return true;
    } catch (error) {
      if (error instanceof S3RequestError && error.code === 'NoSuchUpload') return false;
      throw error;
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const url = this.objectUrl(key);
    url.searchParams.set('uploadId', uploadId);
    await this.#send('AbortMultipartUpload', url, { method: 'DELETE' });
  }

  /** Size and ETag of a stored object, or `null` when there is none. */
  async headObject(key: string): Promise<{ size: number; etag: string } | null> {
    const response = await this.#fetchSigned(this.objectUrl(key), { method: 'HEAD' });
    if (response.status === 404) return null;
    if (!response.ok) throw new S3RequestError('HeadObject', response.status, `HTTP${response.status}`, 'head failed');
    return {
      size: Number(response.headers.get('content-length') ?? Number.NaN),
      etag: response.headers.get('etag') ?? '',
    };
  }

  async deleteObject(key: string): Promise<void> {
    await this.#send('DeleteObject', this.objectUrl(key), { method: 'DELETE' });
  }

  /** Whether any object exists under `prefix` (ListObjectsV2, one key). */
  async hasObjectUnder(prefix: string): Promise<boolean> {
    // No trailing slash: path-style emulators sign the bucket path exactly as written.
    const url = new URL(this.#base);
    url.searchParams.set('list-type', '2');
    url.searchParams.set('prefix', prefix);
    url.searchParams.set('max-keys', '1');
    const response = await this.#send('ListObjectsV2', url, { method: 'GET' });
    const result = readXml(await response.text())['ListBucketResult'] as Record<string, unknown> | undefined;
    return result?.['Contents'] !== undefined;
  }

  /** Reads a small text object, or `null` when it does not exist. */
  async getText(key: string): Promise<string | null> {
    const response = await this.#fetchSigned(this.objectUrl(key), { method: 'GET' });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await s3ErrorFrom('GetObject', response);
    return response.text();
  }

  /** Reads a JSON document, or `null` when it does not exist. S3 replaces objects atomically, so one read is whole. */
  async getJson(key: string): Promise<unknown> {
    const text = await this.getText(key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new S3RequestError('GetObject', 200, 'UnreadableDocument', `${key} is not valid JSON: ${String(error)}`);
    }
  }
}
