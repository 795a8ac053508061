import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../sha256.js';
import { nodeSha256 } from './sha256.js';

describe('node:crypto part hashing', () => {
  it('gives the same digest as WebCrypto at and around its slice size', async () => {
    const slice = 4 * 1024 * 1024;
    for (const size of [0, 1, slice - 1, slice, slice + 1, 3 * slice + 5]) {
      const bytes = new Uint8Array(randomBytes(size));
      expect(Buffer.from(await nodeSha256(bytes)).toString('hex'), `${size} bytes`).toBe(Buffer.from(await sha256(bytes)).toString('hex'));
    }
  });
});
