import { z } from 'zod';
import { VideoId } from './ids.js';
import { MAX_OBJECT_SIZE, MAX_PARTS, MAX_SIGN_BATCH } from './limits.js';
import { VideoState } from './status.js';

/** A part number as S3 numbers them: 1 to 10,000. */
export const PartNumber = z
  .number()
  .int('part number must be a whole number')
  .min(1, 'part numbers start at 1')
  .max(MAX_PARTS, `part numbers end at ${MAX_PARTS}`);

export const UploadToken = z.string().min(1, 'uploadToken is required').max(4096, 'uploadToken is too long');

/** Checksum algorithms a client may sign into its part URLs; S3 then rejects a corrupted part. */
export const ChecksumAlgorithm = z.enum(['sha256', 'crc32c']);
export type ChecksumAlgorithm = z.infer<typeof ChecksumAlgorithm>;

/** A part checksum as S3 expects it in `x-amz-checksum-*`: base64 of the raw digest. */
export const PartChecksum = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{6}==)$/, 'checksum must be the base64 SHA-256 (44 characters) or CRC32C (8 characters) of the part');

export const CreateUploadInput = z.object({
  fileName: z.string().min(1, 'fileName is required').max(1024, 'fileName is longer than 1024 characters'),
  size: z
    .number()
    .int('size must be a whole number of bytes')
    .min(1, 'size must be at least 1 byte')
    .max(MAX_OBJECT_SIZE, 'size is above the 5 TiB S3 object limit'),
  contentType: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'contentType must look like type/subtype, e.g. video/mp4'),
  /** Sign each part's checksum of this kind into its URL. */
  checksum: ChecksumAlgorithm.optional(),
});
export type CreateUploadInput = z.infer<typeof CreateUploadInput>;

/**
 * `multipart`: parts signed with UploadPart, then `complete`. `single`: the file fits in one
 * part, so part 1 is signed as one PutObject; `complete` then only confirms what S3 stored.
 */
export const UploadMode = z.enum(['multipart', 'single']);
export type UploadMode = z.infer<typeof UploadMode>;

export const CreateUploadOutput = z.object({
  videoId: VideoId,
  uploadToken: UploadToken,
  mode: UploadMode,
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  /** When the upload token expires (ISO 8601); the upload must complete before then. */
  expiresAt: z.string().datetime(),
});
export type CreateUploadOutput = z.infer<typeof CreateUploadOutput>;

export const PartToSign = z.object({
  partNumber: PartNumber,
  /** The part's checksum, required when the upload was created with `checksum`. */
  checksum: PartChecksum.optional(),
});

export const SignPartsInput = z.object({
  uploadToken: UploadToken,
  parts: z
    .array(PartToSign)
    .min(1, 'ask for at least one part')
    .max(MAX_SIGN_BATCH, `at most ${MAX_SIGN_BATCH} parts per batch`),
});
export type SignPartsInput = z.infer<typeof SignPartsInput>;

export const SignedPart = z.object({
  partNumber: PartNumber,
  url: z.string().url(),
  /** Headers the PUT must carry exactly (the checksum, when one was signed). */
  headers: z.record(z.string(), z.string()),
  /** When the URL stops working (ISO 8601). */
  expiresAt: z.string().datetime(),
});
export type SignedPart = z.infer<typeof SignedPart>;

export const SignPartsOutput = z.object({ parts: z.array(SignedPart) });
export type SignPartsOutput = z.infer<typeof SignPartsOutput>;

/** An ETag exactly as S3 returns it for a part: the quoted hex MD5 (quotes optional here). */
export const PartEtag = z
  .string()
  .regex(/^"?[0-9a-fA-F]{32}"?$/, 'etag must be the ETag header S3 returned for the part (a quoted 32-digit hex)');

export const CompletedPart = z.object({
  partNumber: PartNumber,
  etag: PartEtag,
  checksum: PartChecksum.optional(),
});
export type CompletedPart = z.infer<typeof CompletedPart>;

export const CompleteUploadInput = z.object({
  uploadToken: UploadToken,
  parts: z.array(CompletedPart).min(1, 'complete needs at least one part').max(MAX_PARTS),
});
export type CompleteUploadInput = z.infer<typeof CompleteUploadInput>;

export const CompleteUploadOutput = z.object({
  videoId: VideoId,
  size: z.number().int().positive(),
  etag: z.string(),
});
export type CompleteUploadOutput = z.infer<typeof CompleteUploadOutput>;

export const ListPartsInput = z.object({ uploadToken: UploadToken });
export type ListPartsInput = z.infer<typeof ListPartsInput>;

export const StoredPart = z.object({
  partNumber: PartNumber,
  etag: z.string(),
  size: z.number().int().nonnegative(),
  /** The part's checksum as S3 holds it, when the upload was created with one. */
  checksum: PartChecksum.optional(),
});
export type StoredPart = z.infer<typeof StoredPart>;

export const ListPartsOutput = z.object({ parts: z.array(StoredPart) });
export type ListPartsOutput = z.infer<typeof ListPartsOutput>;

export const AbortUploadInput = z.object({ uploadToken: UploadToken });
export type AbortUploadInput = z.infer<typeof AbortUploadInput>;

export const VideoStatusInput = z.object({ videoId: VideoId });
export type VideoStatusInput = z.infer<typeof VideoStatusInput>;

export const PlaybackRendition = z.object({
  /** The rung's name: its short side in pixels. */
  label: z.number().int().positive(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  bandwidth: z.number().int().positive(),
  url: z.string().url(),
});

export const VideoStatusOutput = z.object({
  videoId: VideoId,
  /**
   * `queued` from the moment the source is stored until the fleet picks it up; from `playable`
   * on, `masterUrl` plays the video's start while the rest is encoded (its playlists grow).
   */
  state: VideoState,
  /** 0 to 1 across the whole job. */
  progress: z.number().min(0).max(1),
  error: z.string().optional(),
  masterUrl: z.string().url().optional(),
  posterUrl: z.string().url().optional(),
  renditions: z.array(PlaybackRendition),
  durationSeconds: z.number().nonnegative().optional(),
  /** While `playable`: seconds from the start a player can play now; the rest is still being encoded. */
  playableSeconds: z.number().positive().optional(),
});
export type VideoStatusOutput = z.infer<typeof VideoStatusOutput>;

/** What the edge accepts, so a client can refuse a file before starting it. */
export const UploadPolicyOutput = z.object({
  /** Content types accepted; `type/*` matches any subtype. */
  allowedContentTypes: z.array(z.string()),
  /** Largest file accepted, in bytes. */
  maxUploadBytes: z.number().int().positive(),
});
export type UploadPolicyOutput = z.infer<typeof UploadPolicyOutput>;
