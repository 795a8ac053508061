import { z } from 'zod';
import { ChecksumAlgorithm, OwnerId, UploadMode, VideoId } from '@hoist/shared';
import { fromBase64Url, toBase64Url } from './base64url.js';

/**
 * What an upload token binds. The edge keeps no state between calls: everything it needs to
 * sign parts, complete or abort travels in the token, HMAC-signed so it cannot be altered.
 * Whether the upload has ended is the one thing a token cannot say; S3 keeps that, as whether
 * the upload's multipart upload is still open (see `uploads/upload-state.ts`).
 */
export const UploadClaims = z.object({
  v: z.literal(1),
  videoId: VideoId,
  key: z.string().min(1),
  mode: UploadMode,
  /**
   * S3's multipart upload id. In `single` mode one is opened too, never given parts or completed:
   * it stays open while the upload does, and complete or abort ends it. Empty in single-mode
   * tokens issued before uploads kept that record.
   */
  uploadId: z.string(),
  contentType: z.string(),
  checksum: ChecksumAlgorithm.optional(),
  owner: OwnerId,
  size: z.number().int().positive(),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int().positive(),
});
export type UploadClaims = z.infer<typeof UploadClaims>;

export type UploadTokenProblem = 'malformed' | 'bad-signature' | 'expired';

export class UploadTokenError extends Error {
  override name = 'UploadTokenError';
  constructor(readonly problem: UploadTokenProblem) {
    super(
      {
        malformed: 'uploadToken is malformed',
        'bad-signature': 'uploadToken signature does not match: it was altered or issued elsewhere',
        expired: 'uploadToken has expired: start the upload again',
      }[problem],
    );
  }
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keys.set(secret, key);
  }
  return key;
}

/** `<payload>.<signature>`, both base64url. */
export async function signUploadToken(claims: UploadClaims, secret: string): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(UploadClaims.parse(claims))));
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** Verifies signature first, then shape, then expiry against `nowSeconds`. */
export async function verifyUploadToken(token: string, secret: string, nowSeconds: number): Promise<UploadClaims> {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new UploadTokenError('malformed');
  let signatureBytes: Uint8Array<ArrayBuffer>;
  try {
    signatureBytes = fromBase64Url(signature);
  } catch {
    throw new UploadTokenError('malformed');
  }
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signatureBytes, encoder.encode(payload));
  if (!valid) throw new UploadTokenError('bad-signature');
  let claims: UploadClaims;
  try {
    claims = UploadClaims.parse(JSON.parse(new TextDecoder().decode(fromBase64Url(payload))));
  } catch {
    throw new UploadTokenError('malformed');
  }
  if (claims.exp <= nowSeconds) throw new UploadTokenError('expired');
  return claims;
}
