import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveChromium } from '../support/chromium.js';

// Which Chromium the browser tests drive; the other files here launch it.
describe('the Chromium the browser tests drive', () => {
  it('is HOIST_CHROMIUM when set, and refuses one that does not exist', async () => {
    expect(await resolveChromium({ HOIST_CHROMIUM: process.execPath }, '/nowhere/chromium')).toEqual({
      path: process.execPath,
      source: 'HOIST_CHROMIUM',
    });
    await expect(resolveChromium({ HOIST_CHROMIUM: '/nowhere/chromium' })).rejects.toThrow('HOIST_CHROMIUM=/nowhere/chromium: no such file');
  });

  it("is the system's Chromium where there is one", async () => {
    expect(await resolveChromium({}, process.execPath)).toEqual({ path: process.execPath, source: 'system' });
  });

  it('is otherwise the one npm install brings, decompressed once per version', async () => {
    const first = await resolveChromium({}, '/nowhere/chromium');
    expect(first.source).toMatch(/^@sparticuz\/chromium \d+\.\d+\.\d+$/);
    expect(first.path).toMatch(/node_modules\/\.cache\/hoist-chromium\/[\d.]+\/chromium$/);
    expect(existsSync(first.path)).toBe(true);
    expect(await resolveChromium({}, '/nowhere/chromium')).toEqual(first);
  });
});
