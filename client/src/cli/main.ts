import { parseArgs } from 'node:util';
import { TRPCClientError } from '@trpc/client';
import { createApiClient, type ApiClient } from '../api-client.js';
import { fileSource } from '../node/file-source.js';
import { upload } from '../upload.js';
import { UploadError } from '../upload-errors.js';
import { progressLine } from './format.js';
import { UsageError, resolveSettings } from './settings.js';

/** Exit codes, documented in `hoist --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const HELP = `hoist: upload videos to Hoist and follow their processing

Usage:
  hoist upload FILE [--no-wait] [--concurrency N] [--json]
  hoist status VIDEO_ID [--json]

Options:
  --endpoint URL     edge API base URL (env HOIST_ENDPOINT)
  --token JWT        bearer token (env HOIST_TOKEN)
  --concurrency N    parts uploaded at once (default 4)
  --no-wait          upload only; do not wait for the renditions
  --json             print one JSON document instead of progress lines
  -h, --help         this help

Without --endpoint/--token or their variables, the local stack's .data/stack.json is used.

Exit codes: 0 done, 1 upload or processing failed, 2 bad usage or settings, 130 interrupted.`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Io, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        endpoint: { type: 'string' },
        token: { type: 'string' },
        concurrency: { type: 'string' },
        'no-wait': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(`${HELP}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    if ((command !== 'upload' && command !== 'status') || !target || extra.length > 0) {
      throw new UsageError(command === 'upload' || command === 'status' ? `${command} takes exactly one argument` : `unknown command: ${command}`);
    }
    const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${values.concurrency})`);
    }
    const settings = await resolveSettings(values, env);
    const api = createApiClient({ endpoint: settings.endpoint, token: settings.token });
    if (command === 'status') return await printStatus(api, target, values.json, io);
    return await uploadCommand(api, target, { concurrency, wait: !values['no-wait'], json: values.json }, io, signal);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hoist: ${error.message}\n`);
      return EXIT.usage;
    }
    if (signal?.aborted) {
      io.err('\nhoist: interrupted\n');
      return EXIT.interrupted;
    }
    io.err(`\nhoist: ${describe(error)}\n`);
    return EXIT.failed;
  }
}

async function uploadCommand(
  api: ApiClient,
  path: string,
  options: { concurrency: number; wait: boolean; json: boolean },
  io: Io,
  signal?: AbortSignal,
): Promise<number> {
  const source = await fileSource(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${error.message}`);
  });
  try {
    const result = await upload(source, {
      api,
      concurrency: options.concurrency,
      ...(signal ? { signal } : {}),
      onProgress: (p) => {
        if (!options.json && io.isTty) io.out(`\r${progressLine(p.loaded, p.total, p.bytesPerSecond)}`);
      },
    });
    if (!options.json) io.out(`${io.isTty ? '\n' : ''}uploaded ${source.name} as video ${result.videoId}\n`);
    if (!options.wait) {
      if (options.json) io.out(`${JSON.stringify(result)}\n`);
      return EXIT.ok;
    }
    return await waitForReady(api, result.videoId, options.json, io, signal);
  } finally {
    await source.close?.();
  }
}

async function waitForReady(api: ApiClient, videoId: string, json: boolean, io: Io, signal?: AbortSignal): Promise<number> {
  let lastLine = '';
  for (;;) {
    signal?.throwIfAborted();
    const status = await api.videos.status.query({ videoId }, { signal });
    const line = `processing: ${status.state} ${Math.round(status.progress * 100)}%`;
    if (!json && line !== lastLine) io.out(io.isTty ? `\r${line.padEnd(40)}` : `${line}\n`);
    lastLine = line;
    if (status.state === 'ready' || status.state === 'failed') {
      if (json) io.out(`${JSON.stringify(status)}\n`);
      else if (status.state === 'ready') io.out(`${io.isTty ? '\n' : ''}ready: ${status.masterUrl ?? '(no public URL configured)'}\n`);
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
    for (const r of status.renditions) io.out(`  ${r.width}x${r.height} ${Math.round(r.bandwidth / 1000)} kbit/s  ${r.url}\n`);
  }
  return status.state === 'failed' ? EXIT.failed : EXIT.ok;
}

function describe(error: unknown): string {
  if (error instanceof UploadError) return error.message;
  if (error instanceof TRPCClientError) return `the API said: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
