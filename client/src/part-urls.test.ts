import { describe, expect, it } from 'vitest';
import type { ApiClient } from './api-client.js';
import { PartUrls } from './part-urls.js';

/** Records what would go to the edge's signParts and answers with URLs that expire in an hour. */
function recordingApi() {
  const calls: Array<Array<{ partNumber: number }>> = [];
  const api = {
    uploads: {
      signParts: {
        mutate: async ({ parts }: { parts: Array<{ partNumber: number }> }) => {
          calls.push(parts);
          const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
          return { parts: parts.map(({ partNumber }) => ({ partNumber, url: `https://s3.test/part/${partNumber}`, headers: {}, expiresAt })) };
        },
      },
    },
  } as unknown as ApiClient;
  return { api, calls };
}

describe('part URLs', () => {
  it('signs the parts asked for in one turn in one call, ahead to the upcoming ones', async () => {
    const { api, calls } = recordingApi();
    const urls = new PartUrls(api, 'token', 60_000, () => [1, 2, 3, 4], new AbortController().signal);
    const [one, two] = await Promise.all([urls.get(1, undefined), urls.get(2, undefined)]);
    expect([one.partNumber, two.partNumber]).toEqual([1, 2]);
    expect(calls.map((parts) => parts.map((p) => p.partNumber))).toEqual([[1, 2, 3, 4]]);
    await urls.get(4, undefined);
    expect(calls).toHaveLength(1);
  });

  it('sends nothing once the upload is stopped between asking and signing', async () => {
    const { api, calls } = recordingApi();
    const stop = new AbortController();
    const urls = new PartUrls(api, 'token', 60_000, () => [1, 2], stop.signal);
    const asked = urls.get(1, undefined);
    stop.abort(new Error('paused'));
    await expect(asked).rejects.toThrow('paused');
    expect(calls).toHaveLength(0);
  });
});
