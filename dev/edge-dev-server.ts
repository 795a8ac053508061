import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startChild, waitForHttp, type ManagedProcess } from './child-process.js';

export interface EdgeDevServerOptions {
  repoRoot: string;
  /** Wrangler config to run; default the edge's own `wrangler.toml`. */
  configPath?: string;
  port: number;
  inspectorPort: number;
  /** Folder for the env file and workerd's local state. */
  dataDir: string;
  /** Worker vars and secrets. */
  vars: Record<string, string>;
  output?: (line: string) => void;
}

export interface EdgeDevServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs the edge Worker under `wrangler dev`, so in workerd, the runtime it deploys to.
 * Settings and secrets go through an env file rather than the command line, where any
 * process listing would show them.
 */
export async function startEdgeDevServer(options: EdgeDevServerOptions): Promise<EdgeDevServer> {
  const envFile = join(options.dataDir, 'edge.env');
  const lines = Object.entries(options.vars).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  const child: ManagedProcess = startChild(
    'edge',
    process.execPath,
    [
      wrangler, 'dev',
      '--config', options.configPath ?? join(options.repoRoot, 'wrangler.toml'),
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--inspector-port', String(options.inspectorPort),
      '--env-file', envFile,
      '--persist-to', join(options.dataDir, 'workerd'),
      '--log-level', 'warn',
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: options.repoRoot,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env['CI'] ?? 'true' },
      output: (line) => {
        if (!isKnownOfflineNoise(line)) output(line);
      },
    },
  );
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(`${url}/healthz`, child.child, 60_000, 'wrangler dev');
  } catch (error) {
    await child.stop();
    const said = child.recentOutput();
    throw new Error(`${error instanceof Error ? error.message : String(error)}${said.length ? `; its last output:\n${said.join('\n')}` : ''}`, { cause: error });
  }
  return { url, stop: () => child.stop() };
}

/**
 * wrangler dev tries to fetch the `Request.cf` object from Cloudflare at start; offline it
 * warns and falls back to a placeholder, which is harmless. Those lines are dropped.
 */
function isKnownOfflineNoise(line: string): boolean {
  return /Request\.cf|ENOTFOUND workers\.cloudflare\.com|at GetAddrInfoReqWrap|callbackTrampoline/.test(line);
}
