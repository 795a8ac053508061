/** SHA-256 of `bytes` through WebCrypto (native in browsers, Workers and Node). */
export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * The whole object's SHA-256 the way S3 states it for a multipart upload: SHA-256 over the
 * parts' digests in order, with `-<number of parts>` (what HeadObject returns as ChecksumSHA256).
 */
export async function compositeSha256(partDigests: readonly string[]): Promise<string> {
  const joined = new Uint8Array(partDigests.length * 32);
  partDigests.forEach((digest, i) => joined.set(fromBase64(digest), i * 32));
  return `${base64(await sha256(joined))}-${partDigests.length}`;
}
