import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '@hoist/shared';
import { REPO_ROOT } from '../../dev/stack.js';
import type { FaultProxy } from '../../tests/support/fault-proxy.js';
import type { TestStack } from '../../tests/support/test-stack.js';
import { runCli } from '../src/cli/main.js';
import { fileSha256, storedSha256, writePatternFile, startClientFixture, type ClientFixture } from './support.js';

let stack: TestStack;
let proxy: FaultProxy;
let dir: string;
let file: string;

let fx: ClientFixture;
/** The `hoist` command as a person installs it: the compiled package (npm run build:cli), installed from its tarball. */
let installedHoist: string;

async function installCliPackage(into: string): Promise<string> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', `file://${tsx}`, join(REPO_ROOT, 'client/scripts/build-cli.ts')]);
  const tarball = /dist\/(hoist-cli-[^\s]+\.tgz)/.exec(stdout)?.[1];
  if (!tarball) throw new Error(`build:cli named no tarball: ${stdout}`);
  await promisify(execFile)('npm', ['install', '--prefix', into, '--offline', '--no-audit', '--no-fund', '--no-save', join(REPO_ROOT, 'dist', tarball)]);
  return join(into, 'node_modules', '.bin', 'hoist');
}

beforeAll(async () => {
  fx = await startClientFixture();
  ({ stack, proxy, dir } = fx);
  installedHoist = await installCliPackage(join(dir, 'cli-install'));
  file = join(dir, 'holiday.mp4');
  await writePatternFile(file, 41 * MiB);
});

afterAll(async () => {
  await fx?.stop();
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTty: false }, out, err };
};
const env = () => ({ HOIST_ENDPOINT: stack.apiUrl, HOIST_TOKEN: stack.token, HOIST_STATE_DIR: join(dir, 'state') });

/** S3's composite checksum of `path` uploaded in parts of `partSize`: SHA-256 of the parts' SHA-256s, `-<parts>`. */
async function compositeSha256Of(path: string, partSize: number): Promise<string> {
  const bytes = await readFile(path);
  const digests: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += partSize) digests.push(createHash('sha256').update(bytes.subarray(start, start + partSize)).digest());
  return `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-${digests.length}`;
}

/** Runs the installed `hoist` command; resolves with its exit code and output. `killWhen` is polled. */
function hoist(args: string[], killWhen?: () => Promise<boolean>) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; pid: number }>((resolve) => {
    const child = spawn(installedHoist, args, { env: { ...process.env, ...env() } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    const poll = killWhen
      ? setInterval(() => void killWhen().then((kill) => kill && child.kill('SIGKILL')), 25)
      : undefined;
    child.on('close', () => clearInterval(poll));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
  });
}

describe('the hoist CLI', () => {
  it('killed mid-upload, then run again, sends only the parts that were missing', async () => {
    proxy.setRule(() => ({ delayMs: 150 }));
    const first = await hoist(['upload', file, '--no-wait', '--concurrency', '2'], async () => {
      const states = await readdir(join(dir, 'state')).catch(() => [] as string[]);
      const state = states.find((name) => name.endsWith('.json'));
      if (!state) return false;
      const text = await readFile(join(dir, 'state', state), 'utf8').catch(() => '{}');
      return Object.keys((JSON.parse(text) as { parts?: object }).parts ?? {}).length >= 3;
    });
    expect(first.signal).toBe('SIGKILL');
    // What the state file held when the process died: S3 may hold a part more, sent but not yet recorded.
    const stateFile = (await readdir(join(dir, 'state'))).find((n) => n.endsWith('.json'))!;
    const stateText = await readFile(join(dir, 'state', stateFile), 'utf8');
    const { parts: recorded } = JSON.parse(stateText) as { parts: object };
    const sentFirst = new Set(Object.keys(recorded).map(Number));
    expect(sentFirst.size).toBeGreaterThanOrEqual(3);
    // Killed as it wrote the state again: half a state in the temporary file it would have renamed.
    const halfWritten = join(dir, 'state', `${stateFile}.${first.pid}.99.tmp`);
    await writeFile(halfWritten, stateText.slice(0, stateText.length >> 1));

    proxy.puts.length = 0;
    proxy.setRule(() => 'pass');
    const second = await hoist(['upload', file, '--no-wait']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`hoist: removed ${halfWritten}: a half-written resume file left by a run that was killed; the last complete state, if any, is used\n`);
    expect((await readdir(join(dir, 'state'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // S3 (ListParts) says what it holds: the recorded parts, and any that landed as the process died.
    const held = Number(/resuming video [0-9a-z]{26}: (\d+) parts already stored in S3/.exec(second.stdout)?.[1]);
    expect(held).toBeGreaterThanOrEqual(sentFirst.size);
    const sentSecond = proxy.puts.filter((p) => p.status === 200).map((p) => p.partNumber);
    expect(sentSecond.filter((n) => sentFirst.has(n))).toEqual([]);
    expect(new Set(sentSecond).size).toBe(sentSecond.length);
    expect(sentSecond.length).toBe(9 - held);
    const videoId = /as video ([0-9a-z]{26})/.exec(second.stdout)![1]!;
    expect(await storedSha256(stack.bucketUrl, `uploads/${stack.owner}/${videoId}/holiday.mp4`)).toBe(await fileSha256(file));
  });

  it('Ctrl-C pauses and says how to resume, in the words the upload was started with; abort then discards the upload', async () => {
    proxy.setRule(() => ({ delayMs: 200 }));
    // As the README runs it (`npm run upload -- FILE`), then as the installed bin.
    const npmScript = { npm_lifecycle_event: 'upload', npm_lifecycle_script: 'tsx client/src/cli/run.ts upload' };
    for (const [environment, resume] of [
      [{ ...env(), ...npmScript }, `npm run upload -- ${file} --no-wait`],
      [env(), `hoist upload ${file} --no-wait`],
    ] as const) {
      const interrupt = new AbortController();
      const c = capture();
      const running = runCli(['upload', file, '--no-wait'], environment, c.io, interrupt.signal);
      await new Promise((r) => setTimeout(r, 600));
      interrupt.abort();
      expect(await running).toBe(130);
      expect(c.err.join('')).toContain(`Run the same command again to resume:\n  ${resume}\n`);
    }

    const aborted = capture();
    expect(await runCli(['abort', file], env(), aborted.io), aborted.err.join('')).toBe(0);
    expect(aborted.out.join('')).toMatch(/aborted the upload of .* \(video [0-9a-z]{26}\); S3 discarded its parts/);
    const again = capture();
    expect(await runCli(['abort', file], env(), again.io), again.err.join('')).toBe(0);
    expect(again.out.join('')).toContain('no unfinished upload of');
  });

  it('prints JSON for scripts', async () => {
    proxy.setRule(() => 'pass');
    const c = capture();
    expect(await runCli(['upload', file, '--no-wait', '--json'], env(), c.io), c.err.join('')).toBe(0);
    const result = JSON.parse(c.out.join('')) as Record<string, unknown>;
    expect(result).toMatchObject({ size: 41 * MiB, partCount: 9, partsSent: 9, resumed: false, compositeSha256: await compositeSha256Of(file, 5 * MiB) });
    expect(result).not.toHaveProperty('sha256');
  });

  it('prints the file\'s SHA-256 for a single-part upload, and names a multipart upload\'s checksum as S3\'s composite', async () => {
    proxy.setRule(() => 'pass');
    const short = join(dir, 'short.mp4');
    await writePatternFile(short, 3 * MiB, 7);
    const single = capture();
    expect(await runCli(['upload', short, '--no-wait'], env(), single.io), single.err.join('')).toBe(0);
    expect(single.out.join('')).toContain(`(1 of 1 parts sent this run)\nsha256 of the file (S3 verified it): ${await fileSha256(short)}\n`);
    const singleJson = capture();
    expect(await runCli(['upload', short, '--no-wait', '--json'], env(), singleJson.io), singleJson.err.join('')).toBe(0);
    const result = JSON.parse(singleJson.out.join('')) as { sha256: string };
    expect(Buffer.from(result.sha256, 'base64').toString('hex')).toBe(await fileSha256(short));
    expect(result).not.toHaveProperty('compositeSha256');

    const multipart = capture();
    expect(await runCli(['upload', file, '--no-wait'], env(), multipart.io), multipart.err.join('')).toBe(0);
    const text = multipart.out.join('');
    expect(text).toContain(`(9 of 9 parts sent this run)\nS3 composite checksum (SHA-256 of the 9 part SHA-256s, not the file's SHA-256): ${await compositeSha256Of(file, 5 * MiB)}\n`);
    expect(text).not.toContain('sha256 of the file');
  });

  it('answers bad usage with exit code 2 and what was wrong', async () => {
    await writeFile(join(dir, 'empty.mp4'), '');
    const cases: Array<[string[], NodeJS.ProcessEnv, number, string]> = [
      [['upload', join(dir, 'missing.mp4')], env(), 2, 'no such file'],
      [['upload', dir], env(), 2, `${dir} is not a file`],
      [['upload', join(dir, 'empty.mp4')], env(), 2, 'is empty: there is nothing to upload'],
      [['upload', file, '--concurrency', 'lots'], env(), 2, '--concurrency must be a whole number from 1 to 64 (got lots)'],
      [['upload', file], { HOIST_DATA_DIR: dir }, 2, 'no API endpoint'],
      [['upload'], env(), 2, 'upload takes exactly one argument'],
      [['frobnicate', 'x'], env(), 2, 'unknown command: frobnicate'],
      [['upload', file, '--colour'], env(), 2, 'unknown option --colour for hoist upload\nhoist upload takes: --concurrency N,'],
      [['help', 'bogus'], env(), 2, 'no help for bogus: there is no such command'],
      [['status', 'not-an-id'], env(), 1, 'videoId must be 26 lowercase letters or digits'],
      [['upload', file], { ...env(), HOIST_TOKEN: 'not-a-jwt' }, 1, 'bearer token rejected'],
    ];
    for (const [args, environment, code, message] of cases) {
      const c = capture();
      expect(await runCli(args, environment, c.io), args.join(' ')).toBe(code);
      expect(c.err.join(''), args.join(' ')).toContain(message);
    }
  });

  it('has help for each command', async () => {
    for (const command of ['upload', 'status', 'abort']) {
      const c = capture();
      expect(await runCli([command, '--help'], {}, c.io)).toBe(0);
      expect(c.out.join('')).toContain(`hoist ${command}`);
      expect(c.out.join('')).toContain('Exit codes:');
    }
  });
});
