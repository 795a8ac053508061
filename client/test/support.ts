import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { crc32c } from '@node-rs/crc32';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB } from '@hoist/shared';
import { startFaultProxy, type FaultProxy } from '../../tests/support/fault-proxy.js';
import { readStoredObject, startTestStack, type TestStack } from '../../tests/support/test-stack.js';

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

/** SHA-256 of what the bucket holds at `key` (a signed GET: the bucket is private). */
export async function storedSha256(bucketUrl: string, key: string): Promise<string> {
  return sha256Hex(await readStoredObject({ bucketUrl }, key));
}

export async function fileSha256(path: string): Promise<string> {
  const handle = await open(path, 'r');
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream()) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * S3's composite CRC32C of a file sent in parts of `partSize`: the CRC32C of the parts' CRC32Cs,
 * then `-<number of parts>`, worked out here with a native CRC32C rather than the client's own.
 */
export async function compositeCrc32cOf(path: string, partSize: number): Promise<string> {
  const bytes = await readFile(path);
  const parts: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += partSize) {
    const part = Buffer.alloc(4);
    part.writeUInt32BE(crc32c(bytes.subarray(start, start + partSize)) >>> 0);
    parts.push(part);
  }
  const whole = Buffer.alloc(4);
  whole.writeUInt32BE(crc32c(Buffer.concat(parts)) >>> 0);
  return `${whole.toString('base64')}-${parts.length}`;
}

export interface ClientFixture {
  stack: TestStack;
  /** Sits between the edge's signed URLs and the S3 emulator; tests set what it breaks. */
  proxy: FaultProxy;
  /** A scratch folder, removed by `stop()`. */
  dir: string;
  stop(): Promise<void>;
}

/** The local stack without the fleet, with a fault proxy in front of S3, and a scratch folder. */
export async function startClientFixture(edgeVars?: Record<string, string>): Promise<ClientFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-client-test-'));
  let proxy: FaultProxy | undefined;
  const stack = await startTestStack({
    fleet: false,
    ...(edgeVars ? { edgeVars } : {}),
    s3Front: async (endpoint) => (proxy = await startFaultProxy(endpoint)),
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    stack,
    proxy: proxy!,
    dir,
    async stop() {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
