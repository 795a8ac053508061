import { parseArgs } from 'node:util';
import { TRPCClientError } from '@trpc/client';
import { createApiClient, type ApiClient } from '../api-client.js';
import { abortSavedUpload, defaultResumeDir, removeStaleTemporaries, uploadFile } from '../node/index.js';
import { followProcessing } from '../follow-processing.js';
import { UploadError } from '../upload-errors.js';
import { checksumLine, progressLine } from './format.js';
import { COMMAND_HELP, HELP } from './help.js';
import { commandLine } from './invocation.js';
import { UsageError, resolveSettings, settingsLine, type CliSettings } from './settings.js';

/** Exit codes, documented in `hoist --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

const OPTIONS = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  concurrency: { type: 'string' },
  'state-dir': { type: 'string' },
  wait: { type: 'string' },
  'no-wait': { type: 'boolean', default: false },
  'no-checksums': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
type OptionName = keyof typeof OPTIONS;

/** Options as a message lists them, with the value each takes. */
const SHOWN: Record<OptionName, string> = {
  endpoint: '--endpoint URL',
  token: '--token JWT',
  concurrency: '--concurrency N',
  'state-dir': '--state-dir DIR',
  wait: '--wait [playable|ready]',
  'no-wait': '--no-wait',
  'no-checksums': '--no-checksums',
  json: '--json',
  help: '-h/--help',
};

const COMMON_OPTIONS: readonly OptionName[] = ['endpoint', 'token', 'json', 'help'];

/** What each command takes, as its help lists it. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  upload: ['concurrency', 'wait', 'no-wait', 'no-checksums', 'state-dir', ...COMMON_OPTIONS],
  status: COMMON_OPTIONS,
  abort: ['state-dir', ...COMMON_OPTIONS],
};

/** How this run can be started again, and how to start others: see `commandLine`. */
type CommandLine = (args: readonly string[]) => string;

/**
 * The `hoist` command line. `interrupt` is Ctrl-C: an upload pauses, keeps its state and
 * exits with 130, saying how to resume.
 */
export async function runCli(givenArgv: string[], env: NodeJS.ProcessEnv, io: Io, interrupt?: AbortSignal): Promise<number> {
  const argv = withWaitValue(givenArgv);
  const again = commandLine(givenArgv, env);
  // A first, lenient pass finds the command and any option it does not take, so the message
  // can name both; the strict pass below then checks values.
  const loose = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: false, tokens: true });
  const named = loose.positionals[0];
  const known = named !== undefined && Object.hasOwn(COMMAND_OPTIONS, named) ? named : undefined;
  const allowed: readonly string[] = known ? COMMAND_OPTIONS[known]! : Object.keys(OPTIONS);
  for (const token of loose.tokens) {
    if (token.kind === 'option' && !allowed.includes(token.name)) {
      io.err(`${unknownOption(token.rawName, known, again)}\n`);
      return EXIT.usage;
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    io.err(`hoist: ${(error as Error).message}\nSee ${again(known ? [known, '--help'] : ['--help'])}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (command === 'help' || (!command && values.help)) {
    if (target !== undefined && target !== 'help' && !Object.hasOwn(COMMAND_HELP, target)) {
      io.err(`hoist: no help for ${target}: there is no such command (the commands are ${Object.keys(COMMAND_HELP).join(', ')})\n\n${HELP}\n`);
      return EXIT.usage;
    }
    io.out(`${(target && Object.hasOwn(COMMAND_HELP, target) && COMMAND_HELP[target]) || HELP}\n`);
    return EXIT.ok;
  }
  if (!command) {
    io.err(`${HELP}\n`);
    return EXIT.usage;
  }
  const help = Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
  if (!help) {
    io.err(`hoist: unknown command: ${command}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(`${help}\n`);
    return EXIT.ok;
  }
  let settings: CliSettings | undefined;
  try {
    if (!target || extra.length > 0) throw new UsageError(`${command} takes exactly one argument\n\n${help}`);
    const waitUntil = values.wait ?? 'ready';
    if (waitUntil !== 'playable' && waitUntil !== 'ready') throw new UsageError(`--wait takes playable or ready (got ${waitUntil})`);
    const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${values.concurrency})`);
    }
    settings = await resolveSettings(values, env);
    // Said first, on stderr (stdout stays one JSON document with --json): a run against the
    // wrong API, or with settings from a file the user did not think of, is seen at once.
    io.err(`hoist: ${settingsLine(settings)}\n`);
    const stateDir = values['state-dir'] || env['HOIST_STATE_DIR'] || defaultResumeDir(env);
    const api = createApiClient({ endpoint: settings.endpoint, token: settings.token });
    // The settings given as flags go into a suggested command too; their variables are still set.
    const settingFlags = [
      ...(values.endpoint ? ['--endpoint', values.endpoint] : []),
      ...(values.token ? ['--token', values.token] : []),
    ];
    switch (command) {
      case 'status':
        return await printStatus(api, target, values.json, io);
      case 'abort':
        return await abortCommand(target, settings, stateDir, values.json, io);
      default:
        return await uploadCommand(api, target, settings, {
          concurrency,
          wait: values['no-wait'] ? false : waitUntil,
          checksums: !values['no-checksums'],
          json: values.json,
          stateDir,
          resumeCommand: again(argv),
          statusCommand: (videoId) => again(['status', videoId, ...settingFlags]),
        }, io, interrupt);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hoist: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`${io.isTty ? '\n' : ''}hoist: ${describe(error, settings)}\n`);
    return EXIT.failed;
  }
}

/** Names the option, what the command does take, and where its help is. */
function unknownOption(rawName: string, command: string | undefined, again: CommandLine): string {
  const takes = (command ? COMMAND_OPTIONS[command]! : (Object.keys(OPTIONS) as OptionName[])).map((name) => SHOWN[name]);
  return (
    `hoist: unknown option ${rawName}${command ? ` for hoist ${command}` : ''}\n` +
    `${command ? `hoist ${command}` : 'hoist'} takes: ${takes.join(', ')}\n` +
    `See ${again(command ? [command, '--help'] : ['--help'])}`
  );
}

/**
 * Removes the temporary state files a killed run left half-written, and says so: they were
 * never a state, and the last complete one (if any) is what a resume uses.
 */
async function removeHalfWrittenStates(stateDir: string, io: Io): Promise<void> {
  for (const path of await removeStaleTemporaries(stateDir).catch(() => [] as string[])) {
    io.err(`hoist: removed ${path}: a half-written resume file left by a run that was killed; the last complete state, if any, is used\n`);
  }
}

async function uploadCommand(
  api: ApiClient,
  path: string,
  settings: CliSettings,
  options: {
    concurrency: number;
    /** Follow processing until the video is playable, or ready; false: upload only. */
    wait: 'playable' | 'ready' | false;
    checksums: boolean;
    json: boolean;
    stateDir: string;
    /** This command as the user ran it, to run again. */
    resumeCommand: string;
    statusCommand: (videoId: string) => string;
  },
  io: Io,
  interrupt?: AbortSignal,
): Promise<number> {
  await removeHalfWrittenStates(options.stateDir, io);
  const upload = await uploadFile(path, {
    endpoint: settings.endpoint,
    token: settings.token,
    concurrency: options.concurrency,
    checksums: options.checksums,
    resumeDir: options.stateDir,
    onProgress: (p) => {
      if (!options.json && io.isTty) io.out(`\r${progressLine(p.loaded, p.total, p.bytesPerSecond, p.etaSeconds)}`);
    },
    onEvent: (event) => {
      if (options.json) return;
      if (event.kind === 'resumed') io.out(`resuming video ${event.videoId}: ${event.partsAlreadyStored} parts already stored in S3\n`);
      if (event.kind === 'retry' && !io.isTty) io.out(`part ${event.partNumber}: ${event.reason}; retrying\n`);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`no such file: ${path}`);
    if (error.code === 'ENOTUPLOADABLE') throw new UsageError(error.message);
    if (error.code) throw new UsageError(`cannot read ${path}: ${error.message}`);
    throw error;
  });
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (interrupt?.aborted) resolve('interrupted');
    interrupt?.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  const outcome = await Promise.race([upload.done, interrupted]);
  if (outcome === 'interrupted') {
    await upload.stop();
    io.err(`\nhoist: upload paused; what was sent is kept. Run the same command again to resume:\n  ${options.resumeCommand}\n`);
    return EXIT.interrupted;
  }
  const result = outcome;
  if (!options.json) {
    io.out(`${io.isTty ? '\n' : ''}uploaded ${path} as video ${result.videoId} (${result.partsSent} of ${result.partCount} parts sent this run)\n`);
    const checksum = checksumLine(result);
    if (checksum) io.out(`${checksum}\n`);
  }
  if (!options.wait) {
    if (options.json) io.out(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  }
  return waitForReady(api, result.videoId, options.wait, options.json, options.statusCommand(result.videoId), io, interrupt);
}

/**
 * Follows processing. The playback URL is printed as soon as the video is playable (its start
 * plays while the rest is encoded); `until` says whether to stop there or at ready.
 */
async function waitForReady(api: ApiClient, videoId: string, until: 'playable' | 'ready', json: boolean, statusCommand: string, io: Io, interrupt?: AbortSignal): Promise<number> {
  let lastLine = '';
  let status;
  try {
    status = await followProcessing(api, videoId, {
      until,
      ...(interrupt ? { signal: interrupt } : {}),
      onStatus: (polled) => {
        const line = `processing: ${polled.state} ${Math.round(polled.progress * 100)}%`;
        if (!json && line !== lastLine) io.out(io.isTty ? `\r${line.padEnd(60)}` : `${line}\n`);
        lastLine = line;
      },
      onPlayable: (playable) => {
        if (!json && until === 'ready') io.out(`${io.isTty ? '\n' : ''}playable: ${playable.masterUrl} (the start plays now; the rest is still processing)\n`);
      },
      onConnection: (state) => {
        if (!json) io.err(state === 'lost' ? `${io.isTty ? '\n' : ''}hoist: the API does not answer; asking again…\n` : 'hoist: the API answers again\n');
      },
    });
  } catch (error) {
    if (!interrupt?.aborted) throw error;
    io.err(`\nhoist: stopped waiting; the video keeps processing. Check it with: ${statusCommand}\n`);
    return EXIT.interrupted;
  }
  if (json) io.out(`${JSON.stringify(status)}\n`);
  else if (status.state === 'playable') io.out(`${io.isTty ? '\n' : ''}playable: ${status.masterUrl}\n`);
  else if (status.state === 'ready') io.out(`${io.isTty ? '\n' : ''}ready: ${status.masterUrl ?? '(no playback URL)'}\n`);
  else io.err(`${io.isTty ? '\n' : ''}processing failed: ${status.error ?? 'no reason given'}\n`);
  return status.state === 'failed' ? EXIT.failed : EXIT.ok;
}

async function printStatus(api: ApiClient, videoId: string, json: boolean, io: Io): Promise<number> {
  const status = await api.videos.status.query({ videoId });
  if (json) {
    io.out(`${JSON.stringify(status)}\n`);
  } else {
    io.out(`${status.videoId}: ${status.state} ${Math.round(status.progress * 100)}%\n`);
    if (status.error) io.out(`  error: ${status.error}\n`);
    if (status.masterUrl) io.out(`  master: ${status.masterUrl}\n`);
    for (const r of status.renditions) io.out(`  ${r.label}p ${r.width}x${r.height} ${Math.round(r.bandwidth / 1000)} kbit/s  ${r.url}\n`);
  }
  return status.state === 'failed' ? EXIT.failed : EXIT.ok;
}

async function abortCommand(path: string, settings: CliSettings, stateDir: string, json: boolean, io: Io): Promise<number> {
  await removeHalfWrittenStates(stateDir, io);
  const videoId = await abortSavedUpload(path, { endpoint: settings.endpoint, token: settings.token, resumeDir: stateDir }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`no such file: ${path}`);
    throw error;
  });
  if (json) io.out(`${JSON.stringify({ aborted: videoId !== null, videoId })}\n`);
  else io.out(videoId ? `aborted the upload of ${path} (video ${videoId}); S3 discarded its parts\n` : `no unfinished upload of ${path} to abort\n`);
  return EXIT.ok;
}

function describe(error: unknown, settings: CliSettings | undefined): string {
  const unreached = settings && apiUnreached(error, settings);
  if (unreached) return unreached;
  if (error instanceof UploadError) return error.message;
  if (error instanceof TRPCClientError) return `the API said: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** What the usual network failures mean, by the code Node gives them. */
const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there (connection refused)',
  ENOTFOUND: 'there is no such host',
  EAI_AGAIN: 'its host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection closed before an answer',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/**
 * A call that never got an answer from the Hoist API, said with the endpoint it went to and
 * where that came from: nothing answered (refused, no such host, timed out), or something
 * answered that is not the API (a web page, another service). Undefined when the API answered:
 * its refusals explain themselves.
 */
function apiUnreached(error: unknown, settings: CliSettings): string | undefined {
  const client = causesOf(error).find((e) => e instanceof TRPCClientError);
  if (!(client instanceof TRPCClientError) || client.data !== undefined || client.shape !== undefined) return undefined;
  const causes = causesOf(client.cause);
  if (causes.some((e) => e instanceof Error && e.name === 'AbortError')) return undefined;
  const endpoint = `${settings.endpoint} (from ${settings.endpointFrom})`;
  const failed = causes.find((e): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string');
  if (failed) {
    return `could not reach the Hoist API at ${endpoint}: ${NETWORK_FAILURES[failed.code!] ?? failed.message} (${failed.code})`;
  }
  const status = (client.meta?.['response'] as Response | undefined)?.status;
  // An answer came when there is a response, or a body that was not JSON; else fetch gave up
  // before sending (a port it refuses, a bad URL), and its innermost cause says why.
  if (status === undefined && !causes.some((e) => e instanceof SyntaxError)) {
    const innermost = causes.at(-1);
    return `could not reach the Hoist API at ${endpoint}: ${innermost instanceof Error ? innermost.message : String(innermost ?? client.message)}`;
  }
  return (
    `${endpoint} did not answer as the Hoist API${status ? ` (HTTP ${status})` : ''}: ${client.message}. ` +
    `The endpoint is the edge's base URL, such as http://127.0.0.1:8787 locally`
  );
}

/** An error and its causes, following `cause` and the first of an AggregateError's errors. */
function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; ) {
    chain.push(e);
    e = e instanceof AggregateError && e.errors.length > 0 && !(e as { cause?: unknown }).cause ? e.errors[0] : (e as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * `--wait` takes an optional value: `--wait playable`, `--wait=ready`, or `--wait` alone
 * (ready). parseArgs has no optional values, so a bare one is given its default here.
 */
function withWaitValue(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--wait' && !['playable', 'ready'].includes(argv[i + 1] ?? '') ? ['--wait=ready'] : [arg]));
}
