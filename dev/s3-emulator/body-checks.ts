import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { s3Error } from './s3rver-internals.js';

/** The flexible checksums S3 verifies, as named in `x-amz-checksum-<name>` headers. */
export const CHECKSUM_ALGORITHMS = ['sha256', 'sha1', 'crc32', 'crc32c'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** What a request's headers promise about its body, checked once every byte has arrived. */
export interface BodyExpectations {
  /** Bytes the body must have (Content-Length, or the decoded length of an aws-chunked body). */
  length?: number;
  /** Hex SHA-256 signed as `x-amz-content-sha256`. */
  contentSha256?: string;
  /** Base64 MD5 from `Content-MD5`. */
  contentMd5?: string;
  /** Base64 flexible checksums from `x-amz-checksum-*`. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** Algorithms to compute even when no header names them (an upload's declared algorithm). */
  compute: ChecksumAlgorithm[];
  /** Filled in once the body is stored: each computed checksum, base64. */
  computed?: Partial<Record<ChecksumAlgorithm, string>>;
}

/**
 * The expectations of the request being served. The store's writes run inside the request's
 * async context, so they find them here without the emulator's store API changing shape.
 */
export const requestBody = new AsyncLocalStorage<BodyExpectations>();

/** Reads a PUT's promises about its body from its headers, refusing malformed ones as S3 does. */
export function expectationsFrom(headers: Record<string, string | undefined>): BodyExpectations {
  const expectations: BodyExpectations = { checksums: {}, compute: [] };
  const encoding = headers['x-amz-content-sha256'];
  const lengthHeader = encoding?.startsWith('STREAMING-') ? headers['x-amz-decoded-content-length'] : headers['content-length'];
  if (lengthHeader === undefined) throw s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  if (!/^\d+$/.test(lengthHeader)) throw s3Error('InvalidArgument', `Content-Length ${lengthHeader} is not a number of bytes.`);
  expectations.length = Number(lengthHeader);
  if (encoding && /^[0-9a-fA-F]{64}$/.test(encoding)) expectations.contentSha256 = encoding.toLowerCase();
  if (headers['content-md5'] !== undefined) expectations.contentMd5 = headers['content-md5'];
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = headers[`x-amz-checksum-${algorithm}`];
    if (value === undefined) continue;
    if (Buffer.from(value, 'base64').length !== digestLength(algorithm)) {
      throw s3Error('InvalidRequest', `Value for x-amz-checksum-${algorithm} header is invalid.`);
    }
    expectations.checksums[algorithm] = value;
  }
  if (Object.keys(expectations.checksums).length > 1) {
    throw s3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  return expectations;
}

/** Hashes a body as it streams past, then judges it against the expectations. */
export class BodyDigests {
  readonly #md5 = createHash('md5');
  readonly #sha256: Hash | undefined;
  readonly #checksums = new Map<ChecksumAlgorithm, { update(chunk: Buffer): void; digest(): Buffer }>();
  #length = 0;

  constructor(private readonly expectations: BodyExpectations | undefined) {
    this.#sha256 = expectations?.contentSha256 ? createHash('sha256') : undefined;
    const wanted = new Set<ChecksumAlgorithm>([...(expectations?.compute ?? []), ...(Object.keys(expectations?.checksums ?? {}) as ChecksumAlgorithm[])]);
    for (const algorithm of wanted) this.#checksums.set(algorithm, checksummer(algorithm));
  }

  update(chunk: Buffer): void {
    this.#length += chunk.length;
    this.#md5.update(chunk);
    this.#sha256?.update(chunk);
    for (const checksum of this.#checksums.values()) checksum.update(chunk);
  }

  /** Throws S3's error for the first promise the body broke; returns its length and hex MD5. */
  verify(): { length: number; md5: string } {
    const expected = this.expectations;
    const md5 = this.#md5.digest();
    if (expected?.length !== undefined && this.#length !== expected.length) {
      throw s3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    }
    if (expected?.contentSha256 && this.#sha256!.digest('hex') !== expected.contentSha256) {
      throw s3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {}, 400);
    }
    if (expected?.contentMd5 !== undefined && md5.toString('base64') !== expected.contentMd5) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const computed: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [algorithm, checksum] of this.#checksums) computed[algorithm] = checksum.digest().toString('base64');
    for (const [algorithm, value] of Object.entries(expected?.checksums ?? {}) as Array<[ChecksumAlgorithm, string]>) {
      if (computed[algorithm] !== value) {
        throw s3Error('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      }
    }
    if (expected) expected.computed = computed;
    return { length: this.#length, md5: md5.toString('hex') };
  }
}

/** S3 answers a write with the checksums it computed (`x-amz-checksum-*`), as the SDK expects. */
export function echoChecksums(ctx: { set(header: string, value: string): void }, expectations: BodyExpectations): void {
  for (const [algorithm, value] of Object.entries(expectations.computed ?? {})) ctx.set(`x-amz-checksum-${algorithm}`, value);
}

function digestLength(algorithm: ChecksumAlgorithm): number {
  return { sha256: 32, sha1: 20, crc32: 4, crc32c: 4 }[algorithm];
}

/**
 * A running digest of one kind. CRC32 from zlib and CRC32C from a native module: both run at
 * memory speed, where a JavaScript table loop (about 200 MiB/s) made the emulator's checksum
 * work a visible share of the CPU an upload or a fleet run is measured on.
 */
export function checksummer(algorithm: ChecksumAlgorithm | 'md5'): { update(chunk: Buffer): void; digest(): Buffer } {
  if (algorithm === 'sha256' || algorithm === 'sha1' || algorithm === 'md5') return createHash(algorithm);
  const next = algorithm === 'crc32' ? zlibCrc32 : nativeCrc32c;
  let crc = 0;
  return {
    update(chunk) {
      crc = next(chunk, crc);
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc >>> 0);
      return out;
    },
  };
}
