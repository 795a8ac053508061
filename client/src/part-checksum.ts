import type { ChecksumAlgorithm } from '@hoist/shared';
import { sha256 } from './sha256.js';

/**
 * How an upload computes each part's checksum, and of which kind: the edge signs it into the
 * part's URL, and S3 refuses a part whose bytes do not match it.
 */
export interface PartChecksummer {
  algorithm: ChecksumAlgorithm;
  /** The raw digest of a part's bytes: 32 bytes for SHA-256, 4 for CRC32C. */
  digest: (bytes: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
}

export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { sha256: 32, crc32c: 4 };

/** SHA-256 through WebCrypto: the default, as it runs everywhere. */
export const webCryptoSha256: PartChecksummer = { algorithm: 'sha256', digest: sha256 };

/** A `partChecksum` option that cannot work, described; undefined when it can. */
export function checksummerProblem(value: unknown): string | undefined {
  const given = value as Partial<PartChecksummer> | null;
  if (typeof given !== 'object' || given === null) return 'the partChecksum option must be an object with an algorithm and a digest function';
  if (given.algorithm !== 'sha256' && given.algorithm !== 'crc32c') return `the partChecksum option's algorithm must be "sha256" or "crc32c", not ${JSON.stringify(given.algorithm)}`;
  if (typeof given.digest !== 'function') return "the partChecksum option's digest must be a function from a part's bytes to its checksum";
  return undefined;
}
