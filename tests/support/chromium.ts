import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it. Override with HOIST_CHROMIUM. */
export const CHROMIUM_PATH = process.env['HOIST_CHROMIUM'] ?? '/usr/bin/chromium';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile (playwright makes one per launch and removes it
 * on close; it refuses a `--user-data-dir` switch). The background-networking switches keep it
 * from reaching for Google's services, which tests have no use for and a closed network refuses.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
    },
  };
}
