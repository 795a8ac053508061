import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wasmSha256 } from './wasm-sha256.js';

describe('wasmSha256', () => {
  it('is SHA-256, also for parts hashed side by side', async () => {
    const parts = [0, 1, 5 * 1024 * 1024 + 3].map((size, i) => Uint8Array.from({ length: size }, (_, j) => (j * 31 + i) & 0xff));
    const digests = await Promise.all(parts.map((bytes) => wasmSha256(bytes)));
    digests.forEach((digest, i) => expect(Buffer.from(digest).toString('hex')).toBe(createHash('sha256').update(parts[i]!).digest('hex')));
  });
});
