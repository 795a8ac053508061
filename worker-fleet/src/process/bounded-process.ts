import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatBytes, formatDuration } from '../human-units.js';

/** How far one child process may go. */
export interface ProcessBounds {
  /** Wall-clock time before it is killed (SIGKILL). */
  timeoutMs: number;
  /** Address-space ceiling (RLIMIT_AS) in bytes: an allocation past it fails inside the child. */
  memoryBytes: number;
}

/** Why a bounded child did not finish normally. */
export type ChildFailureKind =
  /** It ran past `timeoutMs` and was killed. */
  | 'timeout'
  /** An allocation failed against `memoryBytes`. */
  | 'memory'
  /** Something else killed it (the OOM killer, an operator): nothing to do with its input. */
  | 'killed'
  /** It exited non-zero on its own: its input or arguments were refused. */
  | 'exit';

export class ChildProcessError extends Error {
  override name = 'ChildProcessError';
  constructor(
    message: string,
    readonly kind: ChildFailureKind,
    /** Its last lines on stderr, as it printed them (may hold paths: not for users). */
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

export interface BoundedRunOptions {
  bounds: ProcessBounds;
  /** Kills the child (SIGKILL) when aborted; the run then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Each chunk of stdout, as text. */
  onStdout?: (text: string) => void;
  /** Runs `prlimit` from this path; default /usr/bin/prlimit where it exists (util-linux). */
  prlimitPath?: string | null;
}

const DEFAULT_PRLIMIT = existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : null;
const STDERR_KEEP = 4000;

/**
 * Runs `binary` with a time limit and a memory ceiling, and says plainly how it ended. The ceiling
 * is set with util-linux's `prlimit` (RLIMIT_AS, and no core dumps), which then execs the binary,
 * so the limit holds for the child from its first instruction. Without prlimit (not Linux) only
 * the time limit applies.
 */
export async function runBounded(binary: string, args: readonly string[], options: BoundedRunOptions): Promise<{ stdout: string; stderrTail: string }> {
  const prlimit = options.prlimitPath === undefined ? DEFAULT_PRLIMIT : options.prlimitPath;
  const [command, commandArgs] = prlimit
    ? [prlimit, [`--as=${Math.floor(options.bounds.memoryBytes)}`, '--core=0', '--', binary, ...args]]
    : [binary, [...args]];
  options.signal?.throwIfAborted();
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    if (options.onStdout) options.onStdout(text);
    else stdout = (stdout + text).slice(-1024 * 1024);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.bounds.timeoutMs);
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    options.signal?.throwIfAborted();
    const stderrTail = stderr.trim();
    if (code === 0) return { stdout, stderrTail };
    if (timedOut) {
      throw new ChildProcessError(`ran past its time limit of ${formatDuration(options.bounds.timeoutMs / 1000)}`, 'timeout', stderrTail);
    }
    // x264 says "malloc of size N failed" where libavcodec says ENOMEM; the dynamic loader, under
    // a ceiling too low to map a shared-library build's libraries, "failed to map segment".
    // Under RLIMIT_AS a thread's stack cannot be mapped either: pthread_create fails with EAGAIN,
    // which ffmpeg reports as a decoder or encoder that cannot open.
    if (/Cannot allocate memory|out of memory|std::bad_alloc|ENOMEM|malloc of size \d+ failed|failed to map segment|pthread_create|(?:de|en)coder.*Resource temporarily unavailable/i.test(stderrTail)) {
      throw new ChildProcessError(`needed more than its memory limit of ${formatBytes(options.bounds.memoryBytes)}`, 'memory', stderrTail);
    }
    if (signal) throw new ChildProcessError(`was killed (${signal})`, 'killed', stderrTail);
    throw new ChildProcessError(`exited with code ${code}`, 'exit', stderrTail);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
