import { spawn } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine } from '../src/cli/invocation.js';
import { runCli } from '../src/cli/main.js';
import { isLoopbackUrl, resolveSettings } from '../src/cli/settings.js';

// The CLI's answers that need no running stack: settings, usage, hints and unreachable endpoints.

let dir: string;
/** A loopback port nothing listens on. */
let closedPort: number;
/** A web server that is not the Hoist API: a page for every path. */
let website: Server;
/** A service that answers JSON, but not tRPC's. */
let jsonService: Server;

const VIDEO_ID = '0123456789abcdefghijklmnop';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-cli-usage-'));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  website = await listen((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Not found</title>'));
  jsonService = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}'));
});

afterAll(async () => {
  await Promise.all([website, jsonService].map((server) => server && new Promise((resolve) => server.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

async function listen(handler: RequestListener): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function run(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false });
  return { code, out: out.join(''), err: err.join('') };
}

/** A folder holding `.data/stack.json` as `npm start` writes it. */
async function stackFolder(name: string, stack: object): Promise<string> {
  const folder = join(dir, name);
  await mkdir(join(folder, '.data'), { recursive: true });
  await writeFile(join(folder, '.data', 'stack.json'), JSON.stringify(stack));
  return folder;
}

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('where the CLI takes its endpoint and token from', () => {
  it('takes the local stack file only when its endpoint is a loopback address', async () => {
    for (const apiUrl of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787', 'http://127.3.2.1']) {
      const folder = await stackFolder(`loopback-${apiUrl.replace(/\W/g, '')}`, { apiUrl, token: 'local-token' });
      expect(await resolveSettings({}, {}, folder)).toEqual({
        endpoint: apiUrl,
        token: 'local-token',
        endpointFrom: 'the local stack file .data/stack.json',
        tokenFrom: 'the local stack file .data/stack.json',
      });
    }
    for (const apiUrl of ['https://hoist.example.com', 'http://10.0.0.5:8787', 'http://127.0.0.1.example.com', 'http://[::2]']) {
      const folder = await stackFolder(`remote-${apiUrl.replace(/\W/g, '')}`, { apiUrl, token: 'planted-token' });
      await expect(resolveSettings({}, {}, folder)).rejects.toThrow(
        `no API endpoint: pass --endpoint URL or set HOIST_ENDPOINT (or run \`npm start\` here) (.data/stack.json was not used: its endpoint ${apiUrl} is not a loopback address`,
      );
      // A user's own token never goes to an endpoint a folder named.
      await expect(resolveSettings({}, { HOIST_TOKEN: 'users-token' }, folder)).rejects.toThrow('no API endpoint');
    }
  });

  it('gives the stack\'s token only to the stack\'s own endpoint', async () => {
    const folder = await stackFolder('own-endpoint', { apiUrl: 'http://127.0.0.1:8787', token: 'local-token' });
    await expect(resolveSettings({ endpoint: 'http://127.0.0.1:9999' }, {}, folder)).rejects.toThrow(
      'no token: pass --token JWT or set HOIST_TOKEN (or run `npm start` here) (the token in .data/stack.json is used only with its own endpoint, http://127.0.0.1:8787)',
    );
    expect(await resolveSettings({}, { HOIST_ENDPOINT: 'http://127.0.0.1:8787/' }, folder)).toMatchObject({
      token: 'local-token',
      endpointFrom: 'HOIST_ENDPOINT',
      tokenFrom: 'the local stack file .data/stack.json',
    });
    expect(await resolveSettings({ token: 't' }, { HOIST_ENDPOINT: 'https://hoist.example.com' }, folder)).toEqual({
      endpoint: 'https://hoist.example.com',
      token: 't',
      endpointFrom: 'HOIST_ENDPOINT',
      tokenFrom: '--token',
    });
  });

  it('knows loopback addresses in every spelling the URL parser accepts', () => {
    for (const url of ['http://LOCALHOST:1', 'http://127.1:8787', 'http://0x7f.0.0.1', 'http://[0:0:0:0:0:0:0:1]:8787', 'https://127.255.255.254']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['http://localhost.example.com', 'http://128.0.0.1', 'http://0.0.0.0', 'http://[::ffff:10.0.0.1]', 'not a url']) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });

  it('says where the settings came from, first, on stderr', async () => {
    const endpoint = `http://127.0.0.1:${closedPort}`;
    const stackDir = join(await stackFolder('says', { apiUrl: endpoint, token: 'local-token' }), '.data');
    const fromStack = await run(['status', VIDEO_ID, '--json'], { HOIST_DATA_DIR: stackDir });
    expect(fromStack.err.split('\n')[0]).toBe(`hoist: using ${endpoint} and its token from the local stack file ${join(stackDir, 'stack.json')}`);
    expect(fromStack.out).toBe('');

    const fromFlags = await run(['status', VIDEO_ID, '--endpoint', endpoint, '--token', 'secret-token'], { HOIST_DATA_DIR: stackDir });
    expect(fromFlags.err.split('\n')[0]).toBe(`hoist: using ${endpoint} (from --endpoint) with the token from --token`);
    const fromEnv = await run(['status', VIDEO_ID], { HOIST_ENDPOINT: endpoint, HOIST_TOKEN: 'secret-token' });
    expect(fromEnv.err.split('\n')[0]).toBe(`hoist: using ${endpoint} (from HOIST_ENDPOINT) with the token from HOIST_TOKEN`);
    expect(`${fromFlags.err}${fromEnv.err}`).not.toContain('secret-token');

    const remote = join(await stackFolder('says-remote', { apiUrl: 'https://hoist.example.com', token: 'planted' }), '.data');
    const refused = await run(['status', VIDEO_ID], { HOIST_DATA_DIR: remote });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`was not used: its endpoint https://hoist.example.com is not a loopback address`);
  });
});

describe('usage mistakes', () => {
  it('takes playable or ready after --wait, and nothing else', async () => {
    const bogus = await run(['upload', 'clip.mp4', '--wait=soon', '--endpoint', 'http://127.0.0.1:9', '--token', 'x'], {});
    expect(bogus.code).toBe(2);
    expect(bogus.err).toContain('--wait takes playable or ready (got soon)');
  });

  it('names an unknown option, what the command takes and where its help is', async () => {
    const upload = await run(['upload', 'clip.mp4', '--colour', 'red'], {});
    expect(upload.code).toBe(2);
    expect(upload.err).toBe(
      'hoist: unknown option --colour for hoist upload\n' +
        'hoist upload takes: --concurrency N, --wait [playable|ready], --no-wait, --no-checksums, --state-dir DIR, --endpoint URL, --token JWT, --json, -h/--help\n' +
        'See hoist upload --help\n',
    );
    // An option of another command is unknown to this one.
    const status = await run(['status', VIDEO_ID, '--no-wait'], {});
    expect(status.code).toBe(2);
    expect(status.err).toContain('hoist: unknown option --no-wait for hoist status\nhoist status takes: --endpoint URL, --token JWT, --json, -h/--help\n');
    const bare = await run(['-x'], {});
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('hoist: unknown option -x\nhoist takes: --endpoint URL');
    expect(bare.err).toContain('See hoist --help');
    // Through the README's npm script, the help it points at is the script's.
    const npm = await run(['upload', 'clip.mp4', '--colour'], { npm_lifecycle_event: 'upload', npm_lifecycle_script: 'tsx client/src/cli/run.ts upload' });
    expect(npm.err).toContain('See npm run upload -- --help\n');
  });

  it('refuses help on a command that does not exist, and helps on those that do', async () => {
    for (const topic of ['bogus', 'constructor']) {
      const unknown = await run(['help', topic], {});
      expect(unknown.code, topic).toBe(2);
      expect(unknown.err).toContain(`hoist: no help for ${topic}: there is no such command (the commands are upload, status, abort)`);
      expect(unknown.out).toBe('');
    }
    const known = await run(['help', 'status'], {});
    expect(known.code).toBe(0);
    expect(known.out).toContain('hoist status VIDEO_ID');
    expect((await run(['help'], {})).code).toBe(0);
  });

  it('refuses an endpoint that is not an http(s) URL before sending anything', async () => {
    const result = await run(['status', VIDEO_ID], { HOIST_ENDPOINT: 'localhost:8787', HOIST_TOKEN: 't' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('hoist: the endpoint from HOIST_ENDPOINT is not an http:// or https:// URL: localhost:8787');
  });
});

describe('the command a hint names', () => {
  const npm = (event: string, script: string) => ({ npm_lifecycle_event: event, npm_lifecycle_script: script });

  it('is the command as the user ran it', () => {
    const args = ['upload', 'my clip.mp4', '--no-wait'];
    expect(commandLine(args, {})(args)).toBe("hoist upload 'my clip.mp4' --no-wait");
    const viaUpload = commandLine(args, npm('upload', 'tsx client/src/cli/run.ts upload'));
    expect(viaUpload(args)).toBe("npm run upload -- 'my clip.mp4' --no-wait");
    expect(viaUpload(['status', VIDEO_ID])).toBe(`npx hoist status ${VIDEO_ID}`);
    const viaHoist = commandLine(args, npm('hoist', 'tsx client/src/cli/run.ts'));
    expect(viaHoist(args)).toBe("npm run hoist -- upload 'my clip.mp4' --no-wait");
    expect(viaHoist(['status', VIDEO_ID])).toBe(`npm run hoist -- status ${VIDEO_ID}`);
    expect(commandLine(args, npm('npx', "hoist upload 'my clip.mp4' --no-wait"))(args)).toBe("npx hoist upload 'my clip.mp4' --no-wait");
    expect(commandLine(args, npm('deploy', 'hoist upload build/clip.mp4 --no-wait'))(args)).toBe("hoist upload 'my clip.mp4' --no-wait");
    // Run by something else under npm (the test runner, a script that does more): the bin's name.
    expect(commandLine(args, npm('test', 'npm run typecheck && vitest run'))(args)).toBe("hoist upload 'my clip.mp4' --no-wait");
  });

  it('shows no token given on the command line', () => {
    const args = ['upload', 'clip.mp4', '--token', 'eyJ.secret', '--endpoint=http://127.0.0.1:8787'];
    expect(commandLine(args, {})(args)).toBe('hoist upload clip.mp4 --token JWT --endpoint=http://127.0.0.1:8787');
    expect(commandLine(['upload', 'clip.mp4', '--token=eyJ.secret'], {})(['upload', 'clip.mp4', '--token=eyJ.secret'])).toBe('hoist upload clip.mp4 --token=JWT');
  });
});

describe('an endpoint that is not the Hoist API', () => {
  it('names the endpoint nothing answers at, and why', async () => {
    const endpoint = `http://127.0.0.1:${closedPort}`;
    const clip = join(dir, 'clip.mp4');
    await writeFile(clip, Buffer.alloc(1024, 7));
    const expected = `hoist: could not reach the Hoist API at ${endpoint} (from HOIST_ENDPOINT): nothing accepts connections there (connection refused) (ECONNREFUSED)\n`;
    const env = { HOIST_ENDPOINT: endpoint, HOIST_TOKEN: 't', HOIST_STATE_DIR: join(dir, 'state') };
    const status = await run(['status', VIDEO_ID], env);
    expect(status.code).toBe(1);
    expect(status.err).toContain(expected);
    const upload = await run(['upload', clip, '--no-wait'], env);
    expect(upload.code).toBe(1);
    expect(upload.err).toContain(expected);
    // A port fetch refuses to use (port 1 is on the Fetch standard's list) is never tried at all.
    const badPort = await run(['status', VIDEO_ID], { ...env, HOIST_ENDPOINT: 'http://127.0.0.1:1' });
    expect(badPort.code).toBe(1);
    expect(badPort.err).toContain('hoist: could not reach the Hoist API at http://127.0.0.1:1 (from HOIST_ENDPOINT): bad port\n');
  });

  it('names the endpoint that answered as something else', async () => {
    const page = await run(['status', VIDEO_ID], { HOIST_ENDPOINT: urlOf(website), HOIST_TOKEN: 't' });
    expect(page.code).toBe(1);
    expect(page.err).toMatch(new RegExp(`hoist: ${urlOf(website)} \\(from HOIST_ENDPOINT\\) did not answer as the Hoist API: .*JSON.*The endpoint is the edge's base URL`));
    const json = await run(['status', VIDEO_ID], { HOIST_ENDPOINT: urlOf(jsonService), HOIST_TOKEN: 't' });
    expect(json.code).toBe(1);
    expect(json.err).toContain(`hoist: ${urlOf(jsonService)} (from HOIST_ENDPOINT) did not answer as the Hoist API (HTTP 200): `);
  });
});

describe('a resume file a killed run left half-written', () => {
  it('is removed with a note, and the run goes on', async () => {
    const stateDir = join(dir, 'stale-state');
    await mkdir(stateDir, { recursive: true });
    const stale = join(stateDir, `0123456789abcdef0123456789abcdef01234567.json.${await deadPid()}.3.tmp`);
    await writeFile(stale, '{"version":1,"endpoint":"http://127.0.0.1:8787","fingerpr');
    const clip = join(dir, 'never-uploaded.mp4');
    await writeFile(clip, Buffer.alloc(1024, 1));
    const result = await run(['abort', clip], { HOIST_ENDPOINT: `http://127.0.0.1:${closedPort}`, HOIST_TOKEN: 't', HOIST_STATE_DIR: stateDir });
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain(`hoist: removed ${stale}: a half-written resume file left by a run that was killed; the last complete state, if any, is used\n`);
    expect(result.out).toContain('no unfinished upload of');
    expect(await readdir(stateDir)).toEqual([]);
  });
});
