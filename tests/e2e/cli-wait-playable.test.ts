import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../client/src/api-client.js';
import { runCli } from '../../client/src/cli/main.js';
import { makeTestClip } from '../support/clips.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  [stack, dir] = await Promise.all([
    // One-segment chunks and a slow preset: the video stays playable-not-ready for a while.
    startTestStack({ fleet: true, fleetEnv: { LADDER: '360', X264_PRESET: 'slow', CHUNK_SECONDS: '4', POOL_SIZE: '2' } }),
    mkdtemp(join(tmpdir(), 'hoist-cli-playable-')),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('hoist upload --wait playable', () => {
  it('prints the playback URL as soon as the start plays, before the video is ready', async () => {
    const clip = join(dir, 'long take.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 40, noise: true });
    const out: string[] = [];
    const env = { HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token, HOIST_STATE_DIR: join(dir, 'state') };
    const code = await runCli(['upload', clip, '--wait', 'playable'], env, { out: (t) => void out.push(t), err: () => {}, isTty: false });
    expect(code, `${out.join('')}\n--- stack ---\n${stack.lines.slice(-20).join('\n')}`).toBe(0);
    const printed = out.join('');
    const videoId = /as video ([0-9a-z]{26})/.exec(printed)![1]!;
    expect(printed).toMatch(new RegExp(`\\nplayable: ${stack.apiUrl}/play/${videoId}/\\d+/[\\w-]+/master\\.m3u8\\n$`));
    const status = await createApiClient({ endpoint: stack.apiUrl, token: stack.token }).videos.status.query({ videoId });
    expect(status.state).toBe('playable');
    // The URL plays now: the master and the start of its rendition are there.
    const master = await (await fetch(/playable: (\S+)/.exec(printed)![1]!)).text();
    expect(master).toContain('360p/index.m3u8');
  });
});
