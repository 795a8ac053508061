import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startChild, type ManagedProcess } from './child-process.js';

export interface FleetProcessOptions {
  repoRoot: string;
  /** The fleet's environment (see worker-fleet/src/fleet/config.ts). */
  env: Record<string, string>;
  output?: (line: string) => void;
  /**
   * A command the fleet runs under, such as `['taskset', '-c', '0']` to pin it to one core
   * (benchmarks compare one pinned process with two). Stopping signals the child's whole
   * process group, so the fleet beneath the prefix stops with it.
   */
  commandPrefix?: readonly string[];
}

/** Runs the fleet as its own process, with the same entry point systemd starts in EC2. */
export function startFleetProcess(options: FleetProcessOptions): ManagedProcess {
  const loader = createRequire(import.meta.url).resolve('tsx');
  const command = [process.execPath, '--import', `file://${loader}`, join(options.repoRoot, 'worker-fleet/src/fleet/main.ts')];
  const [program, ...args] = [...(options.commandPrefix ?? []), ...command];
  return startChild(
    'fleet',
    program!,
    args,
    {
      cwd: options.repoRoot,
      env: { ...process.env, ...options.env },
      ...(options.output ? { output: options.output } : {}),
    },
  );
}
