import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MiB } from '@hoist/shared';

/** Writes `size` bytes of a repeatable pattern (quickly, 1 MiB at a time). */
export async function writePatternFile(path: string, size: number, seed = 1): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const block = Buffer.alloc(MiB);
    for (let offset = 0; offset < size; offset += MiB) {
      for (let i = 0; i < MiB; i += 4) block.writeUInt32LE(((offset + i) * 2654435761 + seed) >>> 0, i);
      await handle.write(block, 0, Math.min(MiB, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** SHA-256 of what the bucket holds at `key` (read through the emulator's anonymous GET). */
export async function storedSha256(bucketUrl: string, key: string): Promise<string> {
  const response = await fetch(`${bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}`);
  if (!response.ok) throw new Error(`GET ${key}: ${response.status}`);
  return createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
}

export async function fileSha256(path: string): Promise<string> {
  const handle = await open(path, 'r');
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream()) hash.update(chunk);
  return hash.digest('hex');
}
