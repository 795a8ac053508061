import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';

/** The CLI's environment (docs/settings.md is generated from this); flags win over it. */
export const CliEnv = z.object({
  HOIST_ENDPOINT: z.string().optional().describe('The edge API\'s base URL, when --endpoint is not given.'),
  HOIST_TOKEN: z.string().optional().describe('The bearer token (a JWT), when --token is not given.'),
  HOIST_DATA_DIR: z.string().default('.data')
    .describe('Where the CLI looks for the local stack file (stack.json) when neither is given; it is used only when its endpoint is a loopback address.'),
});

export interface CliSettings {
  endpoint: string;
  token: string;
  /** Where the endpoint came from: `--endpoint`, `HOIST_ENDPOINT` or the local stack file. */
  endpointFrom: string;
  /** Where the token came from: `--token`, `HOIST_TOKEN` or the local stack file. */
  tokenFrom: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Endpoint and token, first found wins: flags, then HOIST_ENDPOINT / HOIST_TOKEN, then the
 * `stack.json` that `npm start` writes into its data folder (HOIST_DATA_DIR, default `.data`).
 * That file is read from whatever folder the CLI runs in, so anyone who can put a folder in
 * front of the user could name an endpoint there: it is used only when its endpoint is on this
 * machine (a loopback address), and its token only for its own endpoint.
 */
export async function resolveSettings(
  flags: { endpoint?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Promise<CliSettings> {
  const settings = CliEnv.parse(env);
  let endpoint = flags.endpoint || settings.HOIST_ENDPOINT || undefined;
  let endpointFrom = flags.endpoint ? '--endpoint' : 'HOIST_ENDPOINT';
  let token = flags.token || settings.HOIST_TOKEN || undefined;
  let tokenFrom = flags.token ? '--token' : 'HOIST_TOKEN';
  /** Why the local stack file was not used, for the error that follows. */
  let skipped = '';
  if (!endpoint || !token) {
    const stackFile = resolve(cwd, settings.HOIST_DATA_DIR || '.data', 'stack.json');
    const shown = shownPath(cwd, stackFile);
    const stack = await readStackFile(stackFile);
    if (stack?.apiUrl && !isLoopbackUrl(stack.apiUrl)) {
      skipped = ` (${shown} was not used: its endpoint ${stack.apiUrl} is not a loopback address, and only a stack on this machine is trusted from there)`;
    } else if (stack?.apiUrl) {
      const from = `the local stack file ${shown}`;
      if (!endpoint) {
        endpoint = stack.apiUrl;
        endpointFrom = from;
      }
      if (!token && stack.token) {
        if (sameUrl(endpoint, stack.apiUrl)) {
          token = stack.token;
          tokenFrom = from;
        } else {
          skipped = ` (the token in ${shown} is used only with its own endpoint, ${stack.apiUrl})`;
        }
      }
    }
  }
  if (!endpoint) throw new UsageError(`no API endpoint: pass --endpoint URL or set HOIST_ENDPOINT (or run \`npm start\` here)${skipped}`);
  if (!token) throw new UsageError(`no token: pass --token JWT or set HOIST_TOKEN (or run \`npm start\` here)${skipped}`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`the endpoint from ${endpointFrom} is not a URL: ${endpoint}`);
  }
  // `localhost:8787` parses as a URL of the scheme `localhost:`; fetch would only say it failed.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`the endpoint from ${endpointFrom} is not an http:// or https:// URL: ${endpoint}`);
  }
  return { endpoint, token, endpointFrom, tokenFrom };
}

/** The line the CLI starts with, so a run against the wrong API is seen before it does anything. */
export function settingsLine(settings: CliSettings): string {
  return settings.endpointFrom === settings.tokenFrom
    ? `using ${settings.endpoint} and its token from ${settings.endpointFrom}`
    : `using ${settings.endpoint} (from ${settings.endpointFrom}) with the token from ${settings.tokenFrom}`;
}

/** Whether `url` names this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    // The URL parser lowercases names and writes every IPv4 form (`127.1`, `0x7f.0.0.1`) dotted.
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

async function readStackFile(path: string): Promise<{ apiUrl?: string; token?: string } | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined; // no local stack running from here
  }
  if (!value || typeof value !== 'object') return undefined;
  const { apiUrl, token } = value as Record<string, unknown>;
  return { ...(typeof apiUrl === 'string' ? { apiUrl } : {}), ...(typeof token === 'string' ? { token } : {}) };
}

function sameUrl(a: string, b: string): boolean {
  const normal = (url: string) => {
    try {
      return new URL(url).href.replace(/\/+$/, '');
    } catch {
      return url;
    }
  };
  return normal(a) === normal(b);
}

/** Relative to the current folder when it is inside it (`.data/stack.json`), else absolute. */
function shownPath(cwd: string, path: string): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
