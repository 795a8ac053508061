import { createSHA256, type IHasher } from 'hash-wasm';
import type { PartHasher } from '../read-ahead.js';

let hasher: Promise<IHasher> | undefined;

/**
 * A part's SHA-256 in WebAssembly, for browsers. Chromium's WebCrypto digest runs on one
 * thread at about 60 MiB/s (measured in headless Chromium on this project's 2-core machine,
 * four digests at once no faster than one), below what an upload moves, so it would set the
 * page's upload speed. One hasher serves every part: init, update and digest run in one go,
 * with no await between them, so parts never mix.
 */
export const wasmSha256: PartHasher = async (bytes) => {
  const sha256 = await (hasher ??= createSHA256());
  sha256.init();
  sha256.update(bytes);
  return sha256.digest('binary');
};
