import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Hashed between turns of the event loop, so a large part does not hold sockets and progress up. */
const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * A part's SHA-256 through node:crypto, read from the part's own buffer. WebCrypto's digest
 * copies its input first: a part-sized allocation per part that glibc keeps around, which
 * showed as peak RSS well above concurrency × part size on long uploads.
 */
export async function nodeSha256(bytes: Uint8Array): Promise<Uint8Array> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.length; offset += SLICE_BYTES) {
    if (offset > 0) await nextTurn();
    hash.update(bytes.subarray(offset, offset + SLICE_BYTES));
  }
  return hash.digest();
}
