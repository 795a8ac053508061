import { parseArgs } from 'node:util';
import { TRPCClientError } from '@trpc/client';
import { createApiClient, type ApiClient } from '../api-client.js';
import { abortSavedUpload, uploadFile } from '../node/index.js';
import { UploadError } from '../upload-errors.js';
import { checksumLine, progressLine } from './format.js';
import { COMMAND_HELP, HELP } from './help.js';
import { UsageError, resolveSettings } from './settings.js';

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
  wait: { type: 'boolean', default: true },
  'no-wait': { type: 'boolean', default: false },
  'no-checksums': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * The `hoist` command line. `interrupt` is Ctrl-C: an upload pauses, keeps its state and
 * exits with 130, saying how to resume.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Io, interrupt?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    io.err(`hoist: ${(error as Error).message}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (command === 'help' || (!command && values.help)) {
    io.out(`${(target && COMMAND_HELP[target]) || HELP}\n`);
    return EXIT.ok;
  }
  if (!command) {
    io.err(`${HELP}\n`);
    return EXIT.usage;
  }
  const help = COMMAND_HELP[command];
  if (!help) {
    io.err(`hoist: unknown command: ${command}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(`${help}\n`);
    return EXIT.ok;
  }
  try {
    if (!target || extra.length > 0) throw new UsageError(`${command} takes exactly one argument\n\n${help}`);
    const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${values.concurrency})`);
    }
    const settings = await resolveSettings(values, env);
    const stateDir = values['state-dir'] ?? env['HOIST_STATE_DIR'];
    const api = createApiClient({ endpoint: settings.endpoint, token: settings.token });
    switch (command) {
      case 'status':
        return await printStatus(api, target, values.json, io);
      case 'abort':
        return await abortCommand(target, settings, stateDir, values.json, io);
      default:
        return await uploadCommand(api, target, settings, {
          concurrency,
          wait: !values['no-wait'],
          checksums: !values['no-checksums'],
          json: values.json,
          ...(stateDir ? { stateDir } : {}),
        }, io, interrupt);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hoist: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`${io.isTty ? '\n' : ''}hoist: ${describe(error)}\n`);
    return EXIT.failed;
  }
}

async function uploadCommand(
  api: ApiClient,
  path: string,
  settings: { endpoint: string; token: string },
  options: { concurrency: number; wait: boolean; checksums: boolean; json: boolean; stateDir?: string },
  io: Io,
  interrupt?: AbortSignal,
): Promise<number> {
  const upload = await uploadFile(path, {
    endpoint: settings.endpoint,
    token: settings.token,
    concurrency: options.concurrency,
    checksums: options.checksums,
    ...(options.stateDir ? { resumeDir: options.stateDir } : {}),
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
    io.err(`\nhoist: upload paused; what was sent is kept. Run the same command again to resume:\n  hoist upload ${path}\n`);
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
  return waitForReady(api, result.videoId, options.json, io, interrupt);
}

async function waitForReady(api: ApiClient, videoId: string, json: boolean, io: Io, interrupt?: AbortSignal): Promise<number> {
  let lastLine = '';
  let failures = 0;
  for (;;) {
    if (interrupt?.aborted) {
      io.err(`\nhoist: stopped waiting; the video keeps processing. Check it with: hoist status ${videoId}\n`);
      return EXIT.interrupted;
    }
    let status;
    try {
      status = await api.videos.status.query({ videoId });
      failures = 0;
    } catch (error) {
      // A blip between here and the API is no reason to give up on a long wait.
      if (++failures >= 5 || (error instanceof TRPCClientError && error.data?.httpStatus && error.data.httpStatus < 500)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
      continue;
    }
    const line = `processing: ${status.state} ${Math.round(status.progress * 100)}%`;
    if (!json && line !== lastLine) io.out(io.isTty ? `\r${line.padEnd(60)}` : `${line}\n`);
    lastLine = line;
    if (status.state === 'ready' || status.state === 'failed') {
      if (json) io.out(`${JSON.stringify(status)}\n`);
      else if (status.state === 'ready') io.out(`${io.isTty ? '\n' : ''}ready: ${status.masterUrl ?? '(no playback URL)'}\n`);
      else io.err(`${io.isTty ? '\n' : ''}processing failed: ${status.error ?? 'no reason given'}\n`);
      return status.state === 'ready' ? EXIT.ok : EXIT.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
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

async function abortCommand(path: string, settings: { endpoint: string; token: string }, stateDir: string | undefined, json: boolean, io: Io): Promise<number> {
  const videoId = await abortSavedUpload(path, { ...settings, ...(stateDir ? { resumeDir: stateDir } : {}) }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`no such file: ${path}`);
    throw error;
  });
  if (json) io.out(`${JSON.stringify({ aborted: videoId !== null, videoId })}\n`);
  else io.out(videoId ? `aborted the upload of ${path} (video ${videoId}); S3 discarded its parts\n` : `no unfinished upload of ${path} to abort\n`);
  return EXIT.ok;
}

function describe(error: unknown): string {
  if (error instanceof UploadError) return error.message;
  if (error instanceof TRPCClientError) return `the API said: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
