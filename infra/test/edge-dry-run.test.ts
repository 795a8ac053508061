import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
const scratch = mkdtempSync(join(tmpdir(), 'hoist-edge-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Workers' limit on a compressed Worker on the Free plan (the paid plans allow 10 MiB). */
const FREE_PLAN_LIMIT_BYTES = 3 * 1024 * 1024;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// What CI learns before anyone deploys: each environment's bundle builds offline, and its size.
describe.each(['dev', 'production'])('wrangler deploy --dry-run --env %s', { timeout: 120_000 }, (environment) => {
  it("builds the Worker bundle with that environment's settings", async () => {
    const outdir = join(scratch, environment);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [wrangler, 'deploy', '--dry-run', '--env', environment, '--outdir', outdir],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, timeout: 120_000 },
    );
    const output = `${stdout}\n${stderr}`;
    expect(output).toContain('--dry-run: exiting now.');
    expect(output).toContain('env.AWS_REGION');
    expect(output).toContain('env.CORS_ORIGINS');
    const bundle = readFileSync(join(outdir, 'index.js'));
    const gzipped = gzipSync(bundle).length;
    expect(bundle.toString('utf8')).toContain('/trpc');
    expect(gzipped).toBeLessThan(FREE_PLAN_LIMIT_BYTES);
    const reported = /Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/.exec(output);
    console.info(
      `edge bundle (--env ${environment}): ${kib(bundle.length)}, ${kib(gzipped)} gzipped` +
        (reported ? ` (wrangler: ${reported[1]} / gzip ${reported[2]})` : ''),
    );
  });
});
