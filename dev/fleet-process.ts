import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startChild, type ManagedProcess } from './child-process.js';

export interface FleetProcessOptions {
  repoRoot: string;
  /** The fleet's environment (see worker-fleet/src/fleet/config.ts). */
  env: Record<string, string>;
  output?: (line: string) => void;
}

/** Runs the fleet as its own process, with the same entry point systemd starts in EC2. */
export function startFleetProcess(options: FleetProcessOptions): ManagedProcess {
  const loader = createRequire(import.meta.url).resolve('tsx');
  return startChild(
    'fleet',
    process.execPath,
    ['--import', `file://${loader}`, join(options.repoRoot, 'worker-fleet/src/fleet/main.ts')],
    {
      cwd: options.repoRoot,
      env: { ...process.env, ...options.env },
      ...(options.output ? { output: options.output } : {}),
    },
  );
}
