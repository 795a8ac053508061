import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outdir = mkdtempSync(join(tmpdir(), 'hoist-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// `npm run synth` itself: bundles the real Lambda, synthesises offline, checks least privilege.
// Each test runs a child process, so each gets as long as that process does, whichever config runs it.
describe('npm run synth', { timeout: 120_000 }, () => {
  it('writes a deployable cloud assembly with the bundled Lambda, without any AWS account', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'infra/bin/synth.ts', '--outdir', outdir, '-c', 'allowedOrigins=https://app.example.com', '-c', 'stackName=HoistTest'],
      // No credentials or region: synth must not need them.
      { cwd: root, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' }, timeout: 120_000 },
    );
    expect(stdout).toContain('synthesised stack HoistTest');
    const template = JSON.parse(readFileSync(join(outdir, 'HoistTest.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const bucket = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::S3::Bucket');
    expect(JSON.stringify(bucket?.Properties['CorsConfiguration'])).toContain('https://app.example.com');
    // The Lambda's asset is the real bundle, staged beside the template for `cdk deploy --app`.
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.') && name.endsWith('.zip'));
    expect(assets).toHaveLength(1);
    const files = unzipSync(new Uint8Array(readFileSync(join(outdir, assets[0]!))));
    expect(new TextDecoder().decode(files['index.mjs'])).toMatch(/handler/);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
  });

  it.each([
    [['-c', 'maxInstances=zero'], 'synth failed: infra context is invalid: maxInstances: maxInstances must be a number (got "zero")'],
    [['-c', 'maxInstance=10'], 'synth failed: infra context is invalid: maxInstance: not a setting'],
    [['-c', 'maxInstances'], 'synth failed: -c takes key=value, got "maxInstances"'],
  ])('stops on %j with one line naming it, before bundling anything', async (args, message) => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/bin/synth.ts', '--outdir', join(outdir, 'refused'), ...args], {
      cwd: root,
      timeout: 120_000,
    });
    await expect(run).rejects.toMatchObject({ stdout: expect.not.stringContaining('s3-event-lambda.zip'), stderr: expect.stringContaining(message) });
  });
});
