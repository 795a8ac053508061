import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../../client/src/node/index.js';
import { makeTestClip } from '../support/clips.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  [stack, dir] = await Promise.all([
    startTestStack({ fleet: true, fleetEnv: { LADDER: '360,240', X264_PRESET: 'ultrafast', POOL_SIZE: '2' } }),
    mkdtemp(join(tmpdir(), 'hoist-status-polling-')),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('videos.status while the fleet rewrites the status document', () => {
  // A player page polls while the fleet writes status.json about once a second. A read that
  // overlapped a rewrite used to come back torn (workerd: "Network connection lost", a 500 the
  // page took for the user's connection failing). S3 never serves a torn object.
  it('answers every poll, from queued to ready, without one 5xx', async () => {
    const clip = join(dir, 'clip.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 8 });
    const upload = await uploadFile(clip, { endpoint: stack.apiUrl, token: stack.token, resumeDir: join(dir, 'state') });
    const { videoId } = await upload.done;

    const input = encodeURIComponent(JSON.stringify({ videoId }));
    const poll = async () => {
      const response = await fetch(`${stack.apiUrl}/trpc/videos.status?input=${input}`, { headers: { authorization: `Bearer ${stack.token}` } });
      const body = (await response.json()) as { result?: { data: { state: string } }; error?: { message: string } };
      return { status: response.status, state: body.result?.data.state ?? `error: ${body.error?.message}` };
    };
    const answers: Array<{ status: number; state: string }> = [];
    // Two pollers, as a page and a CLI might, until the video is ready (bounded).
    const deadline = Date.now() + 180_000;
    await Promise.all(
      [0, 1].map(async () => {
        while (Date.now() < deadline && answers.at(-1)?.state !== 'ready' && answers.at(-1)?.state !== 'failed') {
          answers.push(await poll());
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
    const states = [...new Set(answers.map((answer) => answer.state))];
    expect(answers.filter((answer) => answer.status !== 200), `states seen: ${states.join(', ')}\n${stack.lines.slice(-20).join('\n')}`).toEqual([]);
    expect(states.at(-1)).toBe('ready');
    expect(states).toContain('transcoding');
    expect(answers.length).toBeGreaterThan(50);
  });
});
