import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../client/src/cli/main.js';
import { freePort } from '../../dev/ports.js';
import { decodeFully, makeTestClip, probeStreams } from '../support/clips.js';
import { playlistUris } from '../support/playlists.js';
import { startSigningCdn, type SigningCdn } from '../support/signing-cdn.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// PUBLIC_BASE_URL, the other way to play: a CDN in front of the private bucket's renditions/
// (CloudFront with origin access control in AWS; here a loopback proxy that signs each GET it
// forwards). The edge hands out plain CDN URLs and no /play URL is involved.

let cdn: SigningCdn;
let stack: TestStack;
let dir: string;

beforeAll(async () => {
  cdn = await startSigningCdn({ port: await freePort() });
  [stack, dir] = await Promise.all([
    startTestStack({
      fleet: true,
      fleetEnv: { LADDER: '240', X264_PRESET: 'ultrafast', POOL_SIZE: '1' },
      edgeVars: { PUBLIC_BASE_URL: `${cdn.url}/` },
    }),
    mkdtemp(join(tmpdir(), 'hoist-cdn-')),
  ]);
  cdn.setOrigin(stack.bucketUrl);
});

afterAll(async () => {
  await stack?.stop();
  await cdn?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('playback through a CDN in front of the private bucket (PUBLIC_BASE_URL)', () => {
  it('hands out plain CDN URLs, and a rendition decodes through the CDN', async () => {
    const clip = join(dir, 'cdn clip.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 3 });
    const out: string[] = [];
    const err: string[] = [];
    const env = { HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token, HOIST_STATE_DIR: join(dir, 'state') };
    const code = await runCli(['upload', clip], env, { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false });
    expect(code, `${out.join('')}${err.join('')}\n--- stack ---\n${stack.lines.slice(-40).join('\n')}`).toBe(0);
    const videoId = /as video ([0-9a-z]{26})/.exec(out.join(''))![1]!;
    const root = `${cdn.url}/renditions/${videoId}/`;
    expect(out.join('')).toContain(`ready: ${root}master.m3u8\n`);

    const status = await runStatus(videoId, env);
    expect(status).toMatchObject({
      state: 'ready',
      masterUrl: `${root}master.m3u8`,
      posterUrl: `${root}poster.jpg`,
      renditions: [expect.objectContaining({ label: 240, url: `${root}240p/index.m3u8` })],
    });

    // Plain playlists: relative names that resolve on the CDN, nothing signed.
    const media = await (await fetch(`${root}240p/index.m3u8`)).text();
    const segments = playlistUris(media);
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((uri) => /^[\w.-]+$/.test(uri))).toBe(true);
    await decodeFully(`${root}240p/index.m3u8`);
    expect((await probeStreams(`${root}master.m3u8`)).find((s) => s.codec_type === 'video')?.height).toBe(240);
    const poster = await fetch(`${root}poster.jpg`);
    expect([poster.status, poster.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

    // Every read went through the CDN and the bucket answered each signed request.
    expect(cdn.requests.length).toBeGreaterThan(segments.length);
    expect(cdn.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect((await fetch(`${cdn.url}/uploads/${stack.owner}/${videoId}/cdn%20clip.mp4`)).status).toBe(403);
  });
});

async function runStatus(videoId: string, env: Record<string, string>): Promise<unknown> {
  const out: string[] = [];
  const code = await runCli(['status', videoId, '--json'], env, { out: (t) => void out.push(t), err: () => {}, isTty: false });
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as unknown;
}
