import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestClip } from '../support/clips.js';
import { startBundledPageFixture, type BundledPageFixture } from '../support/bundled-page.js';
import type { UploadReport, UploadRequest } from './uppy-page/main.js';

// The Uppy adapter's followProcessing option, in Chromium against the whole local stack: after
// the upload, the page hears when its video plays (hoist:playable, with the player's URL) and
// when it is ready, or why the fleet refused it.

let fx: BundledPageFixture;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-uppy-processing-'));
  fx = await startBundledPageFixture(new URL('./uppy-page/main.ts', import.meta.url), 'Uppy through Hoist', {
    // Short chunks after the first: the fleet is still at work for a few seconds after playable.
    fleetEnv: { CHUNK_SECONDS: '4', LADDER: '240,360' },
  });
  await fx.page.waitForFunction('window.uppyTest !== undefined', undefined, { timeout: 30_000 });
});

afterAll(async () => {
  await fx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function uploadInPage(request: Omit<UploadRequest, 'endpoint' | 'token' | 'size'>, bytes: Uint8Array): Promise<UploadReport> {
  const args = JSON.stringify({ ...request, size: bytes.length, bytesBase64: Buffer.from(bytes).toString('base64'), endpoint: fx.stack.apiUrl, token: fx.stack.token });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`upload and processing in the page took over 180 s; ${fx.problems.join('; ')}`)), 180_000);
  });
  try {
    return await Promise.race([fx.page.evaluate(`window.uppyTest.upload(${args})`) as Promise<UploadReport>, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the Uppy adapter follows processing', () => {
  it('says when the video plays, with a master playlist a player can load, and then when it is ready', async () => {
    const clip = join(dir, 'clip.mp4');
    await makeTestClip(clip, { width: 640, height: 360, seconds: 20 });
    const report = await uploadInPage({ name: 'clip.mp4', type: 'video/mp4', followProcessing: 'ready' }, await readFile(clip));
    expect(report.failed, fx.problems.join('\n')).toEqual([]);
    expect(report.processing.map((e) => e.event)).toEqual(['hoist:playable', 'hoist:ready']);
    const [playable, ready] = report.processing;
    expect(playable!.state).toBe('playable');
    expect(ready!.state).toBe('ready');
    for (const event of [playable!, ready!]) {
      const master = await fetch(event.masterUrl!);
      expect(master.status).toBe(200);
      expect(await master.text()).toMatch(/^#EXTM3U[\s\S]*#EXT-X-STREAM-INF/);
    }
  });

  it('says why the fleet refused a file that is not a video, and never that it plays', async () => {
    const notVideo = new TextEncoder().encode('just some text, named as if it were a video\n'.repeat(200));
    const report = await uploadInPage({ name: 'notes.mp4', type: 'video/mp4', followProcessing: 'ready' }, notVideo);
    expect(report.failed, fx.problems.join('\n')).toEqual([]);
    expect(report.processing).toHaveLength(1);
    expect(report.processing[0]!.event).toBe('hoist:processing-failed');
    expect(report.processing[0]!.state).toBe('failed');
    expect(report.processing[0]!.reason).toMatch(/not .*video|not a (readable )?media/i);
  });
});
