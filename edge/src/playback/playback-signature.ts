import { toBase64Url } from '../auth/base64url.js';

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let found = keys.get(secret);
  if (!found) {
    // A key of its own, derived from the secret with a purpose label, so a playback signature
    // can never pass as an upload token or the other way round.
    found = crypto.subtle
      .importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then((base) => crypto.subtle.sign('HMAC', base, encoder.encode('hoist-playback-v1')))
      .then((derived) => crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
    keys.set(secret, found);
  }
  return found;
}

/** The signature that lets anyone holding a playback URL read `videoId`'s playlists until `exp`. */
export async function playbackSignature(secret: string, videoId: string, exp: number): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await key(secret), encoder.encode(`${videoId}.${exp}`));
  return toBase64Url(new Uint8Array(signature));
}

/** Constant-time comparison, so a signature cannot be guessed byte by byte from timing. */
export function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
