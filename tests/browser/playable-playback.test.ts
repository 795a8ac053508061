import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../client/src/api-client.js';
import { makeTestClip } from '../support/clips.js';
import { startPageFixture, waitForText, waitForUploadDone, type PageFixture } from '../support/upload-page.js';

// Playable in seconds, as a person sees it: the page starts the player as soon as the fleet
// has published the video's start, and the video plays from its beginning while later chunks
// are still being encoded.

let fx: PageFixture;
let clip: string;

beforeAll(async () => {
  // Chunks of one segment: the fleet works through ten of them, one after another, for some
  // seconds after the first chunk's lowest rung is published (little CPU: other test files run
  // beside this one). Two rungs: the player starts on the lowest while the other is still
  // being encoded.
  fx = await startPageFixture({ fleet: true, fleetEnv: { CHUNK_SECONDS: '4', LADDER: '240,360' } });
  clip = join(fx.dir, 'long take.mp4');
  await makeTestClip(clip, { width: 640, height: 360, seconds: 40 });
});

afterAll(async () => {
  await fx?.stop();
});

describe('a video playable before it is ready', () => {
  it('plays from the start while the rest is still being encoded, and goes on to ready', async () => {
    const { page } = await fx.open();
    await page.getByText(/^Accepted: video files/).waitFor({ timeout: 15_000 });
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    const videoId = await waitForUploadDone(page, 120_000);
    await waitForText(page, 'Your video is playable from the start; the rest is still being processed…', 120_000);

    const video = page.locator('#player-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    // Playing from the beginning, not from the live edge of a growing playlist.
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#player-video');
      return v !== null && v.currentTime > 1;
    }, null, { timeout: 30_000, polling: 100 });
    const startedAt = await video.evaluate((v: HTMLVideoElement) => v.played.length > 0 ? v.played.start(0) : Number.NaN);
    expect(startedAt).toBeLessThan(0.5);
    // ...while the video is still being processed.
    const api = createApiClient({ endpoint: fx.stack.apiUrl, token: fx.stack.token });
    const status = await api.videos.status.query({ videoId });
    expect(status.state, JSON.stringify(status)).toBe('playable');
    expect(status.playableSeconds).toBeLessThan(40);
    // The higher rung is still being encoded: its playlist is not there yet, or not complete.
    const higher = status.renditions.find((r) => r.height === 360);
    expect(higher, JSON.stringify(status.renditions)).toBeDefined();
    const higherPlaylist = await fetch(higher!.url);
    if (higherPlaylist.ok) expect(await higherPlaylist.text()).not.toMatch(/#EXT-X-ENDLIST/);
    else expect(higherPlaylist.status).toBe(404);

    await waitForText(page, 'Your video is ready.', 240_000);
    expect((await api.videos.status.query({ videoId })).state).toBe('ready');
    // It kept playing as the playlist grew: past the first chunk.
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#player-video')?.currentTime ?? 0) > 6, null, { timeout: 30_000, polling: 200 });
  });
});
