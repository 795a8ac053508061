import { z } from 'zod';

/** A video's id: 26 lowercase base-32 characters, safe in keys and URLs. */
export const VideoId = z.string().regex(/^[0-9a-z]{26}$/, 'videoId must be 26 lowercase letters or digits');
export type VideoId = z.infer<typeof VideoId>;

/**
 * An owner id (the JWT subject). Restricted to characters that are safe inside an S3 key
 * segment, so an owner can never reach into another owner's prefix: no `/`, no control
 * characters, never empty, and never `.` or `..`, which tools that read keys as paths resolve
 * to another folder.
 */
export const OwnerId = z
  .string()
  .regex(/^[A-Za-z0-9._@:|=+-]{1,128}$/, 'owner id must be 1-128 characters of A-Z a-z 0-9 . _ @ : | = + -')
  .refine((id) => id !== '.' && id !== '..', 'owner id cannot be "." or "..": keys read as paths would leave the owner\'s folder');
export type OwnerId = z.infer<typeof OwnerId>;

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** A new random video id (130 bits from the platform's CSPRNG; works in Workers, Node and browsers). */
export function newVideoId(): VideoId {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  let id = '';
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}
