import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface CliSettings {
  endpoint: string;
  token: string;
  /** Where the values came from, said when it is not obvious. */
  source: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Endpoint and token, first found wins: flags, then HOIST_ENDPOINT / HOIST_TOKEN, then the
 * `stack.json` that `npm start` writes into its data folder (HOIST_DATA_DIR, default `.data`).
 */
export async function resolveSettings(flags: { endpoint?: string; token?: string }, env: NodeJS.ProcessEnv): Promise<CliSettings> {
  let endpoint = flags.endpoint ?? env['HOIST_ENDPOINT'];
  let token = flags.token ?? env['HOIST_TOKEN'];
  let source = 'flags/environment';
  if (!endpoint || !token) {
    const stackFile = resolve(env['HOIST_DATA_DIR'] ?? '.data', 'stack.json');
    try {
      const stack = JSON.parse(await readFile(stackFile, 'utf8')) as { apiUrl?: string; token?: string };
      endpoint ??= stack.apiUrl;
      token ??= stack.token;
      source = `the local stack (${stackFile})`;
    } catch {
      /* no local stack running from here */
    }
  }
  if (!endpoint) throw new UsageError('no API endpoint: pass --endpoint URL or set HOIST_ENDPOINT (or run `npm start` here)');
  if (!token) throw new UsageError('no token: pass --token JWT or set HOIST_TOKEN (or run `npm start` here)');
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint / HOIST_ENDPOINT is not a URL: ${endpoint}`);
  }
  return { endpoint, token, source };
}
