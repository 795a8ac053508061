import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether this machine can pin processes to cores (`taskset`, from util-linux). */
export async function canPin(): Promise<boolean> {
  return run('taskset', ['-c', '0', 'true']).then(() => true, () => false);
}

/**
 * Runs `work` with every thread of this process pinned to `core`, then gives the process back
 * the cores it had. The bench process hosts the S3 and SQS emulators, which in production are
 * not on the fleet's instances. Left free, they run on whichever core is idle: in a run with one
 * fleet process that is a whole spare core, which a run with a process on every core does not
 * have. Pinned to the first fleet process's core in both runs, they cost each side the same CPU.
 * Threads the process starts later (libuv's pool) inherit the pinning.
 */
export async function withThisProcessPinned<T>(core: number, work: () => Promise<T>): Promise<T> {
  const pid = String(process.pid);
  // Read before pinning: os.availableParallelism() follows the pinning, so it cannot say what to restore.
  const { stdout } = await run('taskset', ['-c', '-p', pid]);
  const cores = /:\s*([\d,-]+)\s*$/.exec(stdout)?.[1];
  if (!cores) throw new Error(`cannot read this process's cores from taskset: ${stdout.trim()}`);
  await run('taskset', ['-a', '-p', '-c', String(core), pid]);
  try {
    return await work();
  } finally {
    await run('taskset', ['-a', '-p', '-c', cores, pid]);
  }
}
