import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../../dev/local-auth.js';
import { makeTestClip } from '../support/clips.js';
import {
  ARTIFACTS_DIR,
  emulateNetwork,
  pageSays,
  recordMessages,
  sha256OfFile,
  startPageFixture,
  storedSourceSha256,
  waitForParts,
  waitForText,
  waitForUploadDone,
  type PageFixture,
} from '../support/upload-page.js';

// What the page tells a person when something is wrong (a file the edge would refuse, an
// expired session, a connection that drops mid-upload), and using it from the keyboard alone
// on a phone-sized screen.

const MiB = 1024 * 1024;
let fx: PageFixture;
let clip: string;

beforeAll(async () => {
  fx = await startPageFixture({ fleet: false, edgeVars: { MAX_UPLOAD_BYTES: String(30 * MiB) } });
  clip = join(fx.dir, 'short noise.mp4');
  // About 20 MB: 4 parts, under this stack's 30 MiB limit.
  await makeTestClip(clip, { width: 640, height: 360, seconds: 2, noise: true });
});

afterAll(async () => {
  await fx?.stop();
});

afterEach(async () => {
  fx.proxy.setRule(() => 'pass');
  await fx.closePages();
});

const alert = (page: Page) => page.getByRole('alert');

/** Counts the page's `uploads.create` calls from now on. */
function countCreates(page: Page): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (request.url().includes('/trpc/uploads.create')) count++;
  });
  return () => count;
}

describe('the upload page explains what went wrong', () => {
  it('refuses a file that is not a video, or an empty one, before asking the server', async () => {
    const { page } = await fx.open();
    await page.getByText(/^Accepted: video files, up to 30\.0 MiB\.$/).waitFor({ timeout: 15_000 });
    // The edge would refuse these too: the page must not even ask it.
    const creates = countCreates(page);
    const picker = page.getByLabel('Choose a video file', { exact: true });
    await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a video') });
    await expect(alert(page).textContent()).resolves.toBe('“notes.txt” can’t be uploaded: it is text/plain, and only video files are accepted.');
    // The picker stays there for another try.
    expect(await picker.isEnabled()).toBe(true);
    await picker.setInputFiles({ name: 'empty.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(0) });
    await expect(alert(page).textContent()).resolves.toBe('“empty.mp4” is empty: choose a file with a video in it.');
    expect(creates()).toBe(0);
  });

  it('refuses a file over the size limit', async () => {
    const huge = join(fx.dir, 'huge.mp4');
    await writeFile(huge, '');
    await truncate(huge, 31 * MiB);
    const { page } = await fx.open();
    await page.getByText(/^Accepted:/).waitFor({ timeout: 15_000 });
    const creates = countCreates(page);
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(huge);
    await expect(alert(page).textContent()).resolves.toBe('“huge.mp4” is too large: 31.0 MiB, and the limit here is 30.0 MiB.');
    expect(creates()).toBe(0);
  });

  it('asks for a proper link when the token is missing or is not a token at all', async () => {
    const { page: bare } = await fx.open({ token: '' });
    await expect(alert(bare).textContent()).resolves.toContain('This page needs a link with an access token');
    // Nothing to pick without a way to upload it.
    expect(await bare.locator('#pick-section').isHidden()).toBe(true);

    const { page: garbled } = await fx.open({ token: 'not-a-token' });
    await waitForText(garbled, /this link is no longer valid/, 15_000);
    expect(new URL(garbled.url()).hash).toBe('');
  });

  it('says the session has expired, and to get a new link, when the API refuses the token', async () => {
    const { jwtSecret } = JSON.parse(await readFile(join(fx.stack.dataDir, 'local-secrets.json'), 'utf8')) as { jwtSecret: string };
    const expired = await mintLocalToken(jwtSecret, fx.stack.owner, -1);
    const { page } = await fx.open({ token: expired });
    await waitForText(page, /Your session has expired/, 15_000);
    expect(await alert(page).textContent()).toContain('Get a new link');

    // Picking a file anyway gets the same answer, and nothing is sent.
    const puts = fx.proxy.puts.length;
    const create = page.waitForResponse((response) => response.url().includes('/trpc/uploads.create'));
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    expect((await create).status()).toBe(401);
    await waitForText(page, /Your session has expired/, 15_000);
    expect(fx.proxy.puts.length).toBe(puts);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-session-expired.png') });
  });

  it('says the connection is lost while it retries, and carries on when it is back', async () => {
    const { page } = await fx.open();
    await page.getByText(/^Accepted:/).waitFor({ timeout: 15_000 });
    // The cut is made where it cannot race the upload: every part PUT is cut off at the proxy
    // (Chromium's offline mode lets requests already on the wire finish, and its upload throttle
    // releases a part's bytes all at once, so "offline half-way" may come after the last part).
    const putsBefore = fx.proxy.puts.length;
    fx.proxy.setRule(() => 'reset');
    await page.getByLabel('Choose a video file', { exact: true }).setInputFiles(clip);
    await waitForText(page, 'Connection lost, retrying…', 20_000);
    // The edge goes too: signing part URLs and completing fail as well until the network is back.
    await emulateNetwork(page, { offline: true });
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-connection-lost.png') });
    // Still saying so after a while of nothing getting through, and nothing completed.
    expect(await pageSays(page)).toContain('status: Connection lost, retrying…');
    expect(await page.locator('#video-id').textContent()).toBe('');
    expect(fx.proxy.puts.slice(putsBefore).length).toBeGreaterThan(0);

    const messages = await recordMessages(page);
    fx.proxy.setRule(() => 'pass');
    await emulateNetwork(page, { offline: false });
    const videoId = await waitForUploadDone(page);
    const said = await messages();
    const story = `${said.join('\n')}\n--- now ---\n${await pageSays(page)}`;
    const back = said.indexOf('Connection is back. Uploading short noise.mp4…');
    expect(back, story).toBeGreaterThanOrEqual(0);
    expect(said.indexOf('Upload complete. Processing the video…'), story).toBeGreaterThan(back);
    expect(await storedSourceSha256(fx.stack, videoId, 'short noise.mp4')).toBe(await sha256OfFile(clip));
  });
});

describe('dropping a file', () => {
  it('a video dropped anywhere on the page is uploaded', async () => {
    const small = join(fx.dir, 'dropped clip.mp4');
    await makeTestClip(small, { seconds: 1 });
    const { page } = await fx.open();
    await page.getByText(/^Accepted:/).waitFor({ timeout: 15_000 });
    const bytes = (await readFile(small)).toString('base64');
    // What the browser hands a page when a file is dragged onto it from the desktop.
    await page.evaluate((base64) => {
      const file = new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'dropped clip.mp4', { type: 'video/mp4' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const target = document.querySelector('main') ?? document.body;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    const videoId = await waitForUploadDone(page);
    expect(await storedSourceSha256(fx.stack, videoId, 'dropped clip.mp4')).toBe(await sha256OfFile(small));
  });
});

describe('the upload page without a mouse, on a phone-sized screen', () => {
  it('picks a file, pauses, resumes and cancels from the keyboard, with focus where it is needed', async () => {
    const { page } = await fx.open({ width: 375, height: 812 });
    await page.getByText(/^Accepted:/).waitFor({ timeout: 15_000 });
    // S3 never answers a part (the proxy holds them), so the upload is still going at every key
    // press, however slowly the page runs beside other test files.
    fx.proxy.setRule(() => 'stall');
    // Asked for before any key press: waiting for it turns on Chromium's file chooser
    // interception, which the key presses below, sent after it on the same session, find in place.
    const chooser = page.waitForEvent('filechooser', { timeout: 30_000 });
    // A control by its text, anything else by its id.
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element instanceof HTMLButtonElement || element instanceof HTMLAnchorElement ? element.textContent?.trim() : element?.id;
      });

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to the upload');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('file-input');
    // The hidden input's label, styled as the button, shows the focus.
    expect(await page.locator('label[for=file-input]').evaluate((label) => getComputedStyle(label).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles(clip);

    await waitForParts(page, 0);
    expect(await focused()).toBe('upload-title');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Pause');
    await page.keyboard.press('Enter');
    await waitForText(page, 'Upload paused', 10_000);
    // The same button, now Resume, keeps the focus.
    expect(await focused()).toBe('Resume');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'upload-page-paused-375px.png'), fullPage: true });
    await page.keyboard.press('Enter');
    await waitForText(page, /^Uploading short noise\.mp4/, 10_000);

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Cancel upload');
    await page.keyboard.press('Enter');
    await waitForText(page, 'Upload cancelled', 30_000);
    // Back to the picker, ready for another file.
    expect(await focused()).toBe('file-input');
  });
});
