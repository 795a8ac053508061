import { z } from 'zod';
import { ChecksumAlgorithm, PartChecksum, UploadMode, VideoId } from '@hoist/shared';

/**
 * What survives a crash, a closed tab or Ctrl-C: enough to continue the same upload. Which parts
 * S3 holds is asked of S3 (ListParts) on resume; `parts` is this run's record, for completing.
 */
export const ResumeState = z.object({
  version: z.literal(1),
  /** The API the upload was created on; a state from another endpoint is never reused. */
  endpoint: z.string(),
  fingerprint: z.string(),
  videoId: VideoId,
  uploadToken: z.string(),
  mode: UploadMode,
  size: z.number().int().positive(),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  expiresAt: z.string().datetime(),
  checksums: z.boolean(),
  /**
   * The parts' checksum kind, kept only when `checksums`. A state with checksums and no kind was
   * saved before there was a choice, and is SHA-256.
   */
  algorithm: ChecksumAlgorithm.optional(),
  /** Finished parts by number: the ETag S3 returned and the checksum that was signed. */
  parts: z.record(z.string(), z.object({ etag: z.string(), checksum: PartChecksum.optional() })),
});
export type ResumeState = z.infer<typeof ResumeState>;

/** Where resume states are kept: a JSON file per upload in Node, IndexedDB in browsers. */
export interface ResumeStore {
  load(key: string): Promise<ResumeState | null>;
  save(key: string, state: ResumeState): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Keeps states in memory only: resume within one process, nothing on disk. */
export function memoryResumeStore(): ResumeStore {
  const states = new Map<string, ResumeState>();
  return {
    load: async (key) => states.get(key) ?? null,
    save: async (key, state) => void states.set(key, structuredClone(state)),
    remove: async (key) => void states.delete(key),
  };
}

/** Parses a stored state; anything unreadable counts as no state rather than an error. */
export function readResumeState(value: unknown): ResumeState | null {
  const parsed = ResumeState.safeParse(value);
  return parsed.success ? parsed.data : null;
}
