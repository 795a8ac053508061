import type { CompletedPart } from '@hoist/shared';
import { compositeCrc32c } from './crc32c.js';
import type { ResumeState } from './resume/resume-state.js';
import { compositeSha256 } from './sha256.js';

export interface UploadResult {
  videoId: string;
  size: number;
  etag: string;
  /**
   * The file's SHA-256 (base64), which S3 verified: set for a single-part upload, whose one part
   * is the whole file. Absent for a multipart upload (see `compositeSha256`) or without checksums.
   */
  sha256?: string;
  /**
   * A multipart upload's checksum as S3 states it (base64): the SHA-256 of the parts' SHA-256s in
   * order, then `-<number of parts>`. It identifies this split into parts, and is not the file's SHA-256.
   */
  compositeSha256?: string;
  /** The file's CRC32C (base64), which S3 verified: as `sha256`, for uploads whose parts carry CRC32C. */
  crc32c?: string;
  /** As `compositeSha256`, for CRC32C: the CRC32C of the parts' CRC32Cs in order, then `-<number of parts>`. */
  compositeCrc32c?: string;
  /** Parts sent by this run; fewer than `partCount` after a resume. */
  partsSent: number;
  partCount: number;
  resumed: boolean;
}

/** Every part of a finished upload, in order, as the edge's complete call takes them. */
export function completedParts(state: ResumeState): CompletedPart[] {
  return Array.from({ length: state.partCount }, (_, i) => {
    const saved = state.parts[i + 1]!;
    return { partNumber: i + 1, etag: saved.etag, ...(saved.checksum ? { checksum: saved.checksum } : {}) };
  });
}

type VerifiedChecksum = Pick<UploadResult, 'sha256' | 'compositeSha256' | 'crc32c' | 'compositeCrc32c'>;

/** The checksum S3 verified, named for its kind and what it covers; none unless every part was signed with one. */
export async function verifiedChecksum(state: Pick<ResumeState, 'mode' | 'algorithm'>, parts: CompletedPart[]): Promise<VerifiedChecksum> {
  const digests = parts.map((p) => p.checksum).filter((c): c is string => c !== undefined);
  if (digests.length !== parts.length) return {};
  if (state.algorithm === 'crc32c') return state.mode === 'single' ? { crc32c: digests[0]! } : { compositeCrc32c: await compositeCrc32c(digests) };
  return state.mode === 'single' ? { sha256: digests[0]! } : { compositeSha256: await compositeSha256(digests) };
}
