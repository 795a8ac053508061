import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { startTestStack, type TestStack } from '../../tests/support/test-stack.js';
import { createApiClient } from '../src/api-client.js';
import { runCli } from '../src/cli/main.js';
import { fileSource } from '../src/node/file-source.js';
import { upload } from '../src/upload.js';
import { UploadError } from '../src/upload-errors.js';

let stack: TestStack;
let dir: string;
let file: string;

beforeAll(async () => {
  [stack, dir] = await Promise.all([startTestStack({ fleet: false }), mkdtemp(join(tmpdir(), 'hoist-client-test-'))]);
  file = join(dir, 'big clip.mp4');
  // 12 MiB + 5 bytes: three parts, the last one short.
  const bytes = Buffer.alloc(12 * MiB + 5);
  for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i, i);
  await writeFile(file, bytes);
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function storedBytes(videoId: string, name: string): Promise<Uint8Array> {
  const response = await fetch(`${stack.bucketUrl}/uploads/${stack.owner}/${videoId}/${encodeURIComponent(name)}`);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe('upload() through wrangler dev to the S3 emulator', () => {
  it('sends parts in parallel and S3 stores exactly the file', async () => {
    const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
    const source = await fileSource(file);
    const progress: number[] = [];
    const result = await upload(source, { api, concurrency: 3, onProgress: (p) => progress.push(p.partsDone) });
    await source.close?.();
    expect(result.size).toBe(12 * MiB + 5);
    expect(progress.sort()).toEqual([1, 2, 3]);
    expect(sha256(await storedBytes(result.videoId, 'big clip.mp4'))).toBe(sha256(await readFile(file)));
  });

  it('retries parts that fail with 503 and still stores identical bytes', async () => {
    const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
    const failedOnce = new Set<string>();
    const flaky: typeof fetch = async (input, init) => {
      const part = new URL(String(input)).searchParams.get('partNumber')!;
      if (!failedOnce.has(part)) {
        failedOnce.add(part);
        return new Response('<Error><Code>SlowDown</Code></Error>', { status: 503 });
      }
      return fetch(input, init);
    };
    const source = await fileSource(file);
    const result = await upload(source, { api, fetch: flaky, retry: { baseDelayMs: 10 } });
    await source.close?.();
    expect(failedOnce.size).toBe(3);
    expect(sha256(await storedBytes(result.videoId, 'big clip.mp4'))).toBe(sha256(await readFile(file)));
  });

  it('fails on the first part with the CORS advice when S3 answers without an ETag', async () => {
    const api = createApiClient({ endpoint: stack.apiUrl, token: stack.token });
    const withoutEtag: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete('etag');
      return new Response(response.body, { status: response.status, headers });
    };
    const source = await fileSource(file);
    const error = await upload(source, { api, fetch: withoutEtag, concurrency: 1 }).catch((e: unknown) => e);
    await source.close?.();
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ code: 'missing-etag' });
    expect((error as Error).message).toContain('ExposeHeaders: ETag');
  });
});

describe('the hoist CLI', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTty: false }, out, err };
  };

  it('uploads with --no-wait --json and prints the result', async () => {
    const { io, out } = capture();
    const env = { HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token };
    expect(await runCli(['upload', file, '--no-wait', '--json'], env, io)).toBe(0);
    const result = JSON.parse(out.join('')) as { videoId: string; size: number };
    expect(result.size).toBe(12 * MiB + 5);
  });

  it('answers bad usage with exit code 2 and what was wrong', async () => {
    const env = { HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token };
    let c = capture();
    expect(await runCli(['upload', join(dir, 'missing.mp4')], env, c.io)).toBe(2);
    expect(c.err.join('')).toContain('no such file');
    c = capture();
    expect(await runCli(['upload', file, '--concurrency', 'lots'], env, c.io)).toBe(2);
    expect(c.err.join('')).toContain('--concurrency must be a whole number from 1 to 64 (got lots)');
    c = capture();
    expect(await runCli(['upload', file], { HOIST_DATA_DIR: dir }, c.io)).toBe(2);
    expect(c.err.join('')).toContain('no API endpoint');
    c = capture();
    expect(await runCli(['status', 'not-an-id'], env, c.io)).toBe(1);
    expect(c.err.join('')).toContain('videoId must be 26 lowercase letters or digits');
  });

  it('reports a bad token as the API refusing it', async () => {
    const c = capture();
    expect(await runCli(['upload', file], { HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: 'not-a-jwt' }, c.io)).toBe(1);
    expect(c.err.join('')).toContain('bearer token rejected');
  });
});
