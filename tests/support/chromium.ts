import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian and Ubuntu install their Chromium (`apt-get install chromium`). */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumChoice {
  path: string;
  /** Where it came from, for errors: `HOIST_CHROMIUM`, `system` or `@sparticuz/chromium <version>`. */
  source: string;
}

/**
 * The Chromium the browser tests drive, in this order: `HOIST_CHROMIUM`; the system's
 * /usr/bin/chromium where there is one; else the headless Chromium that `npm install` brings
 * inside `@sparticuz/chromium`, decompressed on first use (about 3 s).
 */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env, systemPath = SYSTEM_CHROMIUM): Promise<ChromiumChoice> {
  const chosen = env['HOIST_CHROMIUM'];
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`HOIST_CHROMIUM=${chosen}: no such file`);
    return { path: chosen, source: 'HOIST_CHROMIUM' };
  }
  if (existsSync(systemPath)) return { path: systemPath, source: 'system' };
  return bundledChromium();
}

const PACKAGE_DIR = join('node_modules', '@sparticuz', 'chromium');

/**
 * The package's own `executablePath()` inflates into a fixed /tmp/chromium that it trusts once
 * the name exists, so two test workers starting together (or another checkout's older version)
 * could hand playwright a half-written or different binary. Here each version gets its own
 * folder under node_modules/.cache, and the binary appears there only once it is complete.
 * Only the binary is needed: its libraries are built in (it needs nothing but glibc and expat),
 * and the package's GL (swiftshader) and Amazon Linux libraries serve WebGL and Lambda. Fonts
 * come from the system's fontconfig; on a machine with none, tests still pass but screenshots
 * show no text.
 */
async function bundledChromium(): Promise<ChromiumChoice> {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const packageDir = entry.slice(0, entry.lastIndexOf(PACKAGE_DIR) + PACKAGE_DIR.length);
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const source = `@sparticuz/chromium ${version}`;
  const dir = join(packageDir, '..', '..', '.cache', 'hoist-chromium', version);
  const path = join(dir, 'chromium');
  if (existsSync(path)) return { path, source };
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    await pipeline(createReadStream(join(packageDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return { path, source };
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile (playwright makes one per launch and removes it
 * on close; it refuses a `--user-data-dir` switch). The background-networking switches keep it
 * from reaching for Google's services, which tests have no use for and a closed network refuses.
 * Of the switches `@sparticuz/chromium` recommends for Lambda, none is needed here, and some
 * would hide what the tests check (`--disable-web-security` turns off the CORS that must expose
 * S3's ETag); `--single-process` and `--no-zygote` only work around Lambda's sandbox.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const { path, source } = await resolveChromium();
  const browser = await chromium
    .launch({
      executablePath: path,
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
    })
    .catch((error: unknown) => {
      throw new Error(`Chromium from ${source} (${path}) did not start`, { cause: error });
    });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
    },
  };
}
