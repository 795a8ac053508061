import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/ports.js';
import { REPO_ROOT } from '../../dev/stack.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-fleet-start-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Starts the fleet's real entry point until it polls (then stops it) or exits. Nothing listens
 * on the queue's port: start-up happens before the first receive.
 */
async function startFleet(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const { FFMPEG_PATH: _ffmpeg, FFPROBE_PATH: _ffprobe, NODE_ENV: _mode, ...inherited } = process.env;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', `file://${tsx}`, join(REPO_ROOT, 'worker-fleet/src/fleet/main.ts')], {
    env: {
      ...inherited,
      JOB_QUEUE_URL: `http://127.0.0.1:${port}/000000000000/jobs`,
      SQS_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: 'hoist',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      HEALTH_PORT: '0',
      TEMP_DIR: dir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('"message":"polling"')) child.kill('SIGTERM');
    });
  }
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

/** A stand-in binary that answers `-version` as the named build does. */
async function fakeBinary(name: string, versionLine: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\necho '${versionLine}'\n`);
  await chmod(path, 0o755);
  return path;
}

describe('the fleet checks its ffmpeg at start', () => {
  it('refuses to start in production on the npm-shipped fallback, saying how to set FFMPEG_PATH', async () => {
    const { code, output } = await startFleet({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toMatch(/"message":"ffmpeg found".*"version":"ffmpeg version N-47683/);
    expect(output).toContain('fleet failed to start: refusing to start in production: ffmpeg at ');
    expect(output).toContain('not a release number');
    expect(output).toContain('set FFMPEG_PATH=/usr/bin/ffmpeg and FFPROBE_PATH=/usr/bin/ffprobe');
    expect(output).not.toContain('"message":"polling"');
  });

  it('runs on the fallback outside production, warning loudly at every start', async () => {
    for (let start = 0; start < 2; start++) {
      const { code, output } = await startFleet({});
      expect(code).toBe(0);
      expect(output).toMatch(/"level":"warn","component":"fleet","message":"ffmpeg and ffprobe are the unmaintained build shipped inside npm packages/);
      expect(output).toContain('"message":"polling"');
    }
  });

  it("starts quietly in production on a release at least FFMPEG_MIN_VERSION, and refuses an older one", async () => {
    const env = {
      NODE_ENV: 'production',
      FFMPEG_PATH: await fakeBinary('ffmpeg', 'ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers'),
      FFPROBE_PATH: await fakeBinary('ffprobe', 'ffprobe version 5.1.6-0+deb12u1 Copyright (c) 2007-2024 the FFmpeg developers'),
    };
    const current = await startFleet(env);
    expect(current.code).toBe(0);
    expect(current.output).toContain('"message":"polling"');
    expect(current.output).not.toContain('"level":"warn"');
    const stricter = await startFleet({ ...env, FFMPEG_MIN_VERSION: '6.0' });
    expect(stricter.code).toBe(1);
    expect(stricter.output).toContain(`ffmpeg at ${env.FFMPEG_PATH} is 5.1.6, older than the minimum 6.0 (FFMPEG_MIN_VERSION)`);
  });
});
