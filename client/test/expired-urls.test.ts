import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import type { FaultProxy } from '../../tests/support/fault-proxy.js';
import type { TestStack } from '../../tests/support/test-stack.js';
import { uploadFile } from '../src/node/index.js';
import type { UploadEvent } from '../src/upload-session.js';
import { fileSha256, storedSha256, writePatternFile, startClientFixture, type ClientFixture } from './support.js';

let stack: TestStack;
let proxy: FaultProxy;
let dir: string;

let fx: ClientFixture;

beforeAll(async () => {
  // Part URLs that live two seconds, so a held-up PUT reaches S3 after its URL expired.
  fx = await startClientFixture({ PART_URL_EXPIRY_SECONDS: '2' });
  ({ stack, proxy, dir } = fx);
});

afterAll(async () => {
  await fx?.stop();
});

describe('expired part URLs', () => {
  it('are signed again and the part sent again', async () => {
    const file = join(dir, 'clip.mp4');
    await writePatternFile(file, 11 * MiB);
    proxy.setRule(({ attempt }) => (attempt === 1 ? { delayMs: 2500 } : 'pass'));
    const events: UploadEvent[] = [];
    const upload = await uploadFile(file, {
      endpoint: stack.apiUrl,
      token: stack.token,
      resumeDir: join(dir, 'state'),
      urlRefreshMarginMs: 0,
      retry: { baseDelayMs: 10 },
      onEvent: (e) => events.push(e),
    });
    const result = await upload.done;
    const retries = events.filter((e): e is Extract<UploadEvent, { kind: 'retry' }> => e.kind === 'retry');
    // Every part's first PUT reached S3 after its URL expired; each was signed again and went through.
    expect(new Set(retries.map((e) => e.partNumber))).toEqual(new Set([1, 2, 3]));
    // S3 answers 403 before reading the body, so the client sees the 403 or the connection closing.
    expect(retries.every((e) => /HTTP 403 AccessDenied|ECONNRESET|EPIPE/.test(e.reason))).toBe(true);
    const firstTries = proxy.puts.filter((put) => put.action !== 'pass');
    expect(firstTries.map((put) => put.status)).toEqual([403, 403, 403]);
    expect(proxy.puts.filter((put) => put.status === 200).map((put) => put.partNumber).sort()).toEqual([1, 2, 3]);
    expect(await storedSha256(stack.bucketUrl, `uploads/${stack.owner}/${result.videoId}/clip.mp4`)).toBe(await fileSha256(file));
  });
});
