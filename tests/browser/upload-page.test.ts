import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestClip } from '../support/clips.js';
import {
  ARTIFACTS_DIR,
  openMultipartUploads,
  recordUploadBar,
  sha256OfFile,
  startPageFixture,
  storedSourceSha256,
  uploadBar,
  waitForParts,
  waitForText,
  waitForUploadDone,
  type PageFixture,
} from '../support/upload-page.js';

// The upload page as a person uses it, in headless Chromium: through the edge Worker's static
// assets, the real API in workerd, the S3 emulator (behind a proxy that can hold part PUTs
// unanswered, so an upload is caught half-way), the S3-event bridge and the fleet.

let fx: PageFixture;
let clip: string;
const CLIP_NAME = 'noisy test pattern.mp4';

beforeAll(async () => {
  fx = await startPageFixture({ fleet: true });
  clip = join(fx.dir, CLIP_NAME);
  // Lossless noise: about 39 MB, so 8 parts of 5 MiB, that the fleet still transcodes in seconds.
  await makeTestClip(clip, { width: 640, height: 360, seconds: 4, noise: true });
});

afterAll(async () => {
  await fx?.stop();
});

beforeEach(() => fx.proxy.setRule(() => 'pass'));

// An upload a failed test left running must not slow the next test's down.
afterEach(() => fx.closePages());

/**
 * Parts up to `last` go through; S3 never answers the others (the proxy takes their bodies and
 * holds the response), so the upload is caught part-way however fast or slow the page runs.
 */
const holdPartsAfter = (last: number) => fx.proxy.setRule((put) => (put.partNumber <= last ? 'pass' : 'stall'));

const stackTail = () => fx.stack.lines.slice(-30).join('\n');

describe('the upload page', () => {
  it('uploads a generated clip with a moving progress bar, follows processing and plays every rung', async () => {
    const { page } = await fx.open();
    // The proxy holds each part until the test lets it go, one at a time, so the bar has values
    // to show part-way however fast or slow the page runs.
    const gates = Array.from({ length: 8 }, () => {
      let open!: () => void;
      const until = new Promise<void>((resolve) => (open = resolve));
      return { until, open };
    });
    fx.proxy.setRule((put) => ({ until: gates[put.partNumber - 1]!.until }));
    await page.getByText(/^Accepted: video files/).waitFor({ timeout: 15_000 });
    // The player (hls.js, over half the page's code) is a file of its own, fetched for playback only.
    const scriptsLoaded = () =>
      page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname).filter((path) => path.endsWith('.js')));
    const hlsChunks = async () => (await scriptsLoaded()).filter((path) => path.startsWith('/chunks/hls-'));
    expect(await scriptsLoaded()).toContain('/app.js');
    expect(await hlsChunks()).toEqual([]);
    // The token moved from the fragment into sessionStorage and left the address bar.
    expect(new URL(page.url()).hash).toBe('');

    const barValues = await recordUploadBar(page);
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    for (const [i, gate] of gates.entries()) {
      gate.open();
      if (i < 7) await waitForParts(page, i + 1);
      if (i === 0) await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-uploading.png') });
    }
    const videoId = await waitForUploadDone(page);
    // The bar moved forward through values part-way, not only from empty to full.
    const values = await barValues();
    const size = (await uploadBar(page)).max;
    expect(values.filter((v) => v > 0 && v < size).length, `bar values: ${values}`).toBeGreaterThanOrEqual(3);
    expect(values.at(-1)).toBe(size);
    expect(values, 'never backwards').toEqual([...values].sort((a, b) => a - b));

    await waitForText(page, 'Your video is ready.', 180_000).catch((error: unknown) => {
      throw new Error(`never ready: ${String(error)}\n--- stack ---\n${stackTail()}`);
    });
    expect(await storedSourceSha256(fx.stack, videoId, CLIP_NAME)).toBe(await sha256OfFile(clip));
    // Each part carried its CRC32C, computed in the page, for S3 to verify.
    expect(new Set(fx.proxy.puts.map((put) => put.checksum))).toEqual(new Set(['crc32c']));

    // Every rung is listed and can be chosen; Auto is chosen to start with.
    const quality = page.getByRole('group', { name: 'Quality' });
    await quality.getByRole('button', { name: '240p quality', exact: false }).waitFor({ timeout: 30_000 });
    expect(await quality.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.firstChild?.textContent))).toEqual(['Auto', '360p', '240p']);
    expect(await quality.getByRole('button', { name: 'Auto quality' }).getAttribute('aria-pressed')).toBe('true');

    // It really plays: MSE in Chromium decodes the H.264 rungs and time moves on.
    const video = page.locator('video');
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, null, { timeout: 30_000 });
    expect(await hlsChunks()).toHaveLength(1);
    const heightNow = () => video.evaluate((v: HTMLVideoElement) => v.videoHeight);
    expect([240, 360]).toContain(await heightNow());

    // Choosing a rung plays it. The clip is 4 s long, so each one starts it over from the top.
    const playRung = async (name: string, height: number) => {
      await quality.getByRole('button', { name: new RegExp(`^${name} quality`) }).click();
      expect(await quality.getByRole('button', { name: new RegExp(`^${name} quality`) }).getAttribute('aria-pressed')).toBe('true');
      await video.evaluate((v: HTMLVideoElement) => {
        v.currentTime = 0;
        return v.play();
      });
      await page.waitForFunction(
        (h) => {
          const v = document.querySelector('video');
          return v !== null && v.videoHeight === h && v.currentTime > 0.3 && !v.paused;
        },
        height,
        { timeout: 30_000 },
      );
      await page.getByText(new RegExp(`Playing ${name} .*chosen by you`)).waitFor({ timeout: 15_000 });
    };
    await playRung('240p', 240);
    await playRung('360p', 360);

    // The bucket is private: the player read the playlists through the edge's signed /play route
    // and every rendition object by a presigned S3 URL, never anonymously.
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    const playlists = fetched.filter((url) => url.endsWith('.m3u8'));
    const playRoot = new RegExp(`^${fx.stack.apiUrl}/play/${videoId}/\\d+/[\\w-]+/`);
    // The sound is one audio group every rung plays with: the player fetched its playlist and segments too.
    // (A playlist the player started on while it was still growing was fetched again until it ended.)
    expect([...new Set(playlists.map((url) => url.replace(playRoot, '')))].sort()).toEqual(['240p/index.m3u8', '360p/index.m3u8', 'audio/index.m3u8', 'master.m3u8']);
    const renditionObjects = fetched.filter((url) => url.includes(`/renditions/${videoId}/`));
    expect(renditionObjects.filter((url) => /\/\d+p\/segment_/.test(url)).length).toBeGreaterThanOrEqual(2);
    expect(renditionObjects.some((url) => url.includes('/audio/segment_'))).toBe(true);
    for (const url of renditionObjects) expect(new URL(url).searchParams.get('X-Amz-Signature'), url).toMatch(/^[0-9a-f]{64}$/);

    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-ready-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    // Nothing sticks out sideways on a phone-sized screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-ready-375px.png'), fullPage: true });
  });

  it('pauses mid-upload, sends nothing while paused, and finishes after Resume', async () => {
    const { page } = await fx.open();
    holdPartsAfter(1);
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    await waitForParts(page, 1);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').getByText('Upload paused').waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Resume' }).waitFor();

    // Requests in flight were dropped; from here on nothing new reaches S3 and the bar stays put.
    await page.waitForTimeout(500);
    const puts = fx.proxy.puts.length;
    const bar = await uploadBar(page);
    expect(bar.value).toBeLessThan(bar.max);
    await page.waitForTimeout(2500);
    expect(fx.proxy.puts.length).toBe(puts);
    expect((await uploadBar(page)).value).toBe(bar.value);

    fx.proxy.setRule(() => 'pass');
    await page.getByRole('button', { name: 'Resume' }).click();
    const videoId = await waitForUploadDone(page);
    expect(await storedSourceSha256(fx.stack, videoId, CLIP_NAME)).toBe(await sha256OfFile(clip));
  });

  it('cancel aborts the multipart upload: S3 keeps no parts and the page forgets it', async () => {
    const { page } = await fx.open();
    holdPartsAfter(1);
    const putsBefore = fx.proxy.puts.length;
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    await waitForParts(page, 1);
    const uploadIds = new Set(fx.proxy.puts.slice(putsBefore).map((p) => p.uploadId));
    expect(uploadIds.size).toBe(1);
    expect((await openMultipartUploads(fx.stack)).filter((id) => uploadIds.has(id))).toHaveLength(1);

    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByText('Upload cancelled. Nothing was kept').waitFor({ timeout: 30_000 });
    // The file's card says so too, and shows no progress of an upload that no longer exists.
    const card = page.locator('#upload-section');
    expect(await card.getAttribute('data-state')).toBe('cancelled');
    expect(await card.locator('#upload-note').textContent()).toBe('Cancelled: nothing of this file was kept.');
    expect(await card.locator('#upload-progress').isHidden()).toBe(true);
    expect(await card.getByRole('button', { name: 'Pause' }).isHidden()).toBe(true);
    expect((await openMultipartUploads(fx.stack)).filter((id) => uploadIds.has(id))).toEqual([]);
    // No resume state is left to pick a dead upload up again.
    const saved = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('hoist-uploads', 1);
          open.onsuccess = () => {
            const count = open.result.transaction('resume').objectStore('resume').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(saved).toBe(0);
    // The picker is back for another go.
    await expect(page.getByLabel('Choose a video file', { exact: true }).isEnabled()).resolves.toBe(true);
  });

  it('on a phone-sized screen, Auto keeps to rungs the player can show, and a portrait video plays in a portrait frame', async () => {
    const phone = { width: 375, height: 812 };
    const quality = (page: Page) => page.getByRole('group', { name: 'Quality' });
    const uploadAndPlay = async (path: string) => {
      const { page } = await fx.open(phone);
      await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(path);
      await waitForUploadDone(page);
      await waitForText(page, 'Your video is ready.', 180_000);
      await quality(page).getByRole('button', { name: 'Auto quality' }).waitFor({ timeout: 30_000 });
      return page;
    };
    const frameBox = async (page: Page) => (await page.locator('#video-frame').boundingBox())!;

    // Landscape 640x360 with rungs 360p and 240p: the player is about 343 px wide, so 240p (426x240)
    // already covers it and Auto goes no higher.
    const wide = await uploadAndPlay(clip);
    const auto = quality(wide).getByRole('button', { name: 'Auto quality' });
    await expect.poll(() => auto.textContent(), { timeout: 15_000 }).toBe('Autoup to 240p at this size');
    await wide.locator('video').evaluate((v: HTMLVideoElement) => v.play());
    await wide.getByText(/^Playing 240p .*chosen automatically/).waitFor({ timeout: 30_000 });
    const wideBox = await frameBox(wide);
    expect(wideBox.width / wideBox.height).toBeCloseTo(16 / 9, 1);

    // A phone's portrait video: the frame takes its shape instead of boxing it in 16:9.
    const portrait = join(fx.dir, 'portrait.mp4');
    await makeTestClip(portrait, { width: 360, height: 640, seconds: 3 });
    const tall = await uploadAndPlay(portrait);
    const tallBox = await frameBox(tall);
    expect(tallBox.height).toBeGreaterThan(tallBox.width);
    expect(tallBox.width / tallBox.height).toBeCloseTo(360 / 640, 1);
    expect(await tall.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await tall.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-portrait-375px.png'), fullPage: true });
  });

  it('after a reload, the same file picked again carries on from the parts already stored', async () => {
    const { page } = await fx.open();
    holdPartsAfter(4);
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    await waitForParts(page, 4);
    const atReload = await uploadBar(page);
    expect(atReload.partCount).toBe(8);
    expect(atReload.partsDone).toBe(4);
    await page.reload();
    fx.proxy.setRule(() => 'pass');

    // sessionStorage kept the token: the page still talks to the API.
    await page.getByText(/^Accepted: video files/).waitFor({ timeout: 15_000 });
    const putsBefore = fx.proxy.puts.length;
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    // Read as it shows: a later message may replace the note.
    const resumedNote = await page.waitForFunction(
      () => /^Resumed: (\d+) of 8 parts were already uploaded\.$/.exec(document.getElementById('upload-note')?.textContent ?? '')?.[1],
      null,
      { timeout: 15_000, polling: 20 },
    );
    const stored = Number(await resumedNote.jsonValue());
    // Parts 1-4 finished before the reload (the last one's record may still have been on its way).
    expect(stored).toBeGreaterThanOrEqual(3);
    expect((await uploadBar(page)).value).toBeGreaterThan(0);

    const videoId = await waitForUploadDone(page);
    const sentAfterReload = new Set(fx.proxy.puts.slice(putsBefore).map((p) => p.partNumber));
    expect(sentAfterReload.size).toBe(8 - stored);
    expect(await storedSourceSha256(fx.stack, videoId, CLIP_NAME)).toBe(await sha256OfFile(clip));
  });
});
